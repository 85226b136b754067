import { readFileSync } from 'node:fs'
import { summarise, type CpuProfile } from './cpu-profile.js'

/*
 * `npx tsx bench/profile-summary.ts <file.cpuprofile>`: a Markdown table of where the profiled
 * process's time went, by part (bench/cpu-profile.ts). docs/ingest.md shows how the ingest
 * benchmark's profile is taken.
 */

const file = process.argv[2]
if (file === undefined) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts <file.cpuprofile>\n')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
process.stdout.write('| share | what |\n| --- | --- |\n')
for (const { part, share } of summarise(profile)) {
  process.stdout.write(`| ${(share * 100).toFixed(1)} % | ${part} |\n`)
}
