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
/** The benchmarks: every bench/<name>.ts beside this file. */
const NAMES = ['ingest', 'models']
const USAGE = `usage: npm run bench -- <name> [options] [--json]

benchmarks:
  ingest  the whole service on a real influxd under MQTT load, beside raw baselines (docs/ingest.md)
  models  cost per reading and memory per stream of the detector stack (docs/models.md)

npm run bench -- <name> --help lists a benchmark's options.`

if (name === '--help' || name === '-h') {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
if (name === undefined || !NAMES.includes(name) || !existsSync(file)) {
  const problem = name === undefined ? 'no benchmark named' : `unknown benchmark "${name}"`
  process.stderr.write(`${problem}\n${USAGE}\n`)
  process.exit(2)
}

const benchmark = await import(pathToFileURL(file).href) as BenchmarkModule
const summary = await benchmark.runBenchmark(argv)
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(summary)}\n`)
