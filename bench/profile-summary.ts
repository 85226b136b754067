import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { summarise, topFunctions, type CpuProfile } from './cpu-profile.js'

/*
 * `npx tsx bench/profile-summary.ts [--top N] <file.cpuprofile>`: a Markdown table of where the
 * profiled process's time went, by part (bench/cpu-profile.ts), and with --top the N functions
 * that spent the most time themselves. docs/ingest.md shows how the ingest benchmark's profile
 * is taken.
 */

const USAGE = 'usage: npx tsx bench/profile-summary.ts [--top N] <file.cpuprofile>'

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string' } }, allowPositionals: true, strict: true })
const file = positionals[0]
if (file === undefined) fail('no profile named')
// A shell glob over a directory that holds several runs' profiles would name them all.
if (positionals.length > 1) fail(`one profile at a time; got ${positionals.length}: ${positionals.join(', ')}`)
const top = values.top === undefined ? 0 : Number(values.top)
if (!Number.isInteger(top) || top < 0) fail(`--top must be a whole number, got "${values.top}"`)

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
process.stdout.write('| share | what |\n| --- | --- |\n')
for (const { part, share } of summarise(profile)) {
  process.stdout.write(`| ${(share * 100).toFixed(1)} % | ${part} |\n`)
}
if (top > 0) {
  process.stdout.write(`\n| self time | function | file:line |\n| --- | --- | --- |\n`)
  for (const { name, where, share } of topFunctions(profile, top)) {
    process.stdout.write(`| ${(share * 100).toFixed(2)} % | ${name} | ${where} |\n`)
  }
}
