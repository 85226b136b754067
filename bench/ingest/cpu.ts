import { readFileSync, readdirSync } from 'node:fs'

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system) this process has used so far. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

/**
 * CPU seconds (user + system) of this process's main thread alone: the event loop that runs
 * the broker and the pipeline. On Linux its thread id is the process id. The rest of the
 * process's CPU is V8's GC helpers and libuv's pool (spool writes and syncs).
 */
export function mainThreadCpuSeconds(): number {
  return ticksOf(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')) / TICKS_PER_SECOND
}

/** utime + stime of a /proc stat line; the name in parentheses may contain spaces. */
function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
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
    const parent = Number(stat.slice(close + 2).split(' ')[1])
    if (name !== command || parent !== process.pid) continue
    return ticksOf(stat) / TICKS_PER_SECOND
  }
  return Number.NaN
}
