import type { ProgressReporter } from '../../simulator/index.js'

/** A ProgressReporter that remembers every call, for asserting what a run reported. */
export function recordingProgress(): ProgressReporter & { calls: string[] } {
  const calls: string[] = []
  let lastDone: number | null = null
  return {
    calls,
    start: (total, label) => { calls.push(`start ${total} ${label}`) },
    // Only the last value of a run of updates matters; keep the log short.
    update: (done) => { lastDone = done },
    stop: () => { calls.push(`last update ${lastDone}`, 'stop') },
  }
}
