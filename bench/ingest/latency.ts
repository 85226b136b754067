import type { TelemetryStore, WriteLinesOptions } from '../../ingest/index.js'

const NEWLINE = 0x0a
const SPACE = 0x20
const ZERO = 0x30

/** The number written in ASCII digits at [start, end): read in place, so the probe makes no strings. */
function digitsAt(bytes: Buffer, start: number, end: number): number {
  let value = 0
  for (let i = start; i < end; i++) value = value * 10 + ((bytes[i] as number) - ZERO)
  return value
}

/** Latencies in whole milliseconds, counted per millisecond up to a minute (longer: the last). */
export class LatencyHistogram {
  readonly #counts = new Float64Array(60_001)
  #total = 0

  get count(): number {
    return this.#total
  }

  add(ms: number, times = 1): void {
    const slot = Math.min(Math.max(0, Math.round(ms)), this.#counts.length - 1)
    this.#counts[slot] = (this.#counts[slot] ?? 0) + times
    this.#total += times
  }

  /** The smallest latency at or below which `fraction` of the samples lie. */
  percentile(fraction: number): number {
    const wanted = fraction * this.#total
    let seen = 0
    for (let ms = 0; ms < this.#counts.length; ms++) {
      seen += this.#counts[ms] ?? 0
      if (seen >= wanted && seen > 0) return ms
    }
    return Number.NaN
  }
}

/**
 * Wraps the real store: after InfluxDB confirms a write, every line's timestamp (the device's
 * `ts`, set to the wall clock when the generator sent it) gives that reading's
 * publish-to-stored latency. Lines are scanned, not parsed: the timestamp's last six digits
 * are the sub-millisecond offset (see ingest/point-identity.ts).
 */
export function probeStore(
  inner: TelemetryStore, histogram: LatencyHistogram, onStored: (lines: number) => void,
): TelemetryStore {
  return {
    kind: inner.kind,
    open: () => inner.open(),
    write: (readings) => inner.write(readings),
    query: (q) => inner.query(q),
    count: (q) => inner.count(q),
    ping: () => inner.ping(),
    close: () => inner.close(),
    async writeLines(body: Buffer, options: WriteLinesOptions) {
      await inner.writeLines(body, options)
      const now = Date.now()
      for (let end = body.length; end > 0;) {
        const start = body.lastIndexOf(NEWLINE, end - 1) + 1
        const space = body.lastIndexOf(SPACE, end - 1)
        histogram.add(now - digitsAt(body, space + 1, end - 6))
        end = start - 1
      }
      onStored(options.points)
    },
  }
}
