import cliProgress from 'cli-progress'

/** Where a long run reports how far it got. */
export interface ProgressReporter {
  start(total: number, label: string): void
  update(done: number): void
  stop(): void
}

/** Redraw interval when stderr is not a terminal (CI logs, pipes): one line every few seconds. */
const NOT_TTY_INTERVAL_MS = 5_000

/** A progress bar (total, done, rate, ETA) on stderr, so stdout stays free for the --json line. */
export function createProgressBar(options: { stream?: NodeJS.WritableStream } = {}): ProgressReporter {
  const bar = new cliProgress.SingleBar({
    stream: options.stream ?? process.stderr,
    format: '{label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: NOT_TTY_INTERVAL_MS,
    etaBuffer: 100,
  }, cliProgress.Presets.shades_classic)
  let startedAt = 0

  return {
    start(total, label) {
      startedAt = Date.now()
      bar.start(total, 0, { label, rate: '0' })
    },
    update(done) {
      const seconds = (Date.now() - startedAt) / 1000
      bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(0) : '0' })
    },
    stop() {
      bar.stop()
    },
  }
}
