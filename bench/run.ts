import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * `npm run bench -- <name> [options] [--json]`: runs bench/<name>.ts, whose
 * `runBenchmark(argv)` prints its figures as it goes and returns a summary object. With
 * --json the summary is the last line of stdout.
 */
interface BenchmarkModule {
  runBenchmark(argv: string[]): Promise<Record<string, unknown>>
}

const [name, ...argv] = process.argv.slice(2)
const here = dirname(fileURLToPath(import.meta.url))
const file = name === undefined ? '' : join(here, `${name}.ts`)

if (name === undefined || !/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(file)) {
  process.stderr.write(`usage: npm run bench -- <name> [--json]\nunknown benchmark "${name ?? ''}"\n`)
  process.exit(2)
}

const benchmark = await import(pathToFileURL(file).href) as BenchmarkModule
const summary = await benchmark.runBenchmark(argv)
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(summary)}\n`)
