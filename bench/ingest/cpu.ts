import { readFileSync, readdirSync } from 'node:fs'

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system) this process has used so far. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

/** CPU seconds of the child process named `command` (e.g. influxd), or NaN when there is none. */
export function childCpuSeconds(command: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      // The process ended between readdir and read: not ours to count.
      continue
    }
    const close = stat.lastIndexOf(')')
    const name = stat.slice(stat.indexOf('(') + 1, close)
    const fields = stat.slice(close + 2).split(' ')
    if (name !== command || Number(fields[1]) !== process.pid) continue
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  }
  return Number.NaN
}
