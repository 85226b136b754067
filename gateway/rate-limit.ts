/**
 * Per-device message-rate limit: a token bucket of `burst` tokens refilled at `perSecond`.
 * A message over the rate is not refused but delayed: the publish hook answers late, and
 * aedes reads a connection again only after every packet of its last read was answered,
 * so TCP backpressure slows the device down while every other device keeps its pace and
 * nothing is lost. A device has one connection (its clientId is its id), so what waits is
 * at most one read's worth of its messages, each released at the sustained rate.
 *
 * Times are a monotonic clock in ms (performance.now()), not the wall clock: the limit is
 * about real elapsed time, whatever the clock the gateway stamps arrivals with.
 */
export class DeviceRateLimiter {
  readonly #perSecond: number
  readonly #burst: number
  readonly #buckets = new Map<string, { tokens: number, at: number }>()

  constructor(options: { perSecond: number, burst: number }) {
    this.#perSecond = options.perSecond
    this.#burst = options.burst
  }

  /** Takes a token for the device's next message; returns how long to hold it first (ms). */
  delayFor(deviceId: string, now: number): number {
    let bucket = this.#buckets.get(deviceId)
    if (bucket === undefined) {
      bucket = { tokens: this.#burst, at: now }
      this.#buckets.set(deviceId, bucket)
    }
    const refilled = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) * this.#perSecond) / 1000)
    // A negative balance is a token already promised to a message that is waiting.
    const tokens = refilled - 1
    bucket.tokens = tokens
    bucket.at = now
    return tokens >= 0 ? 0 : (-tokens * 1000) / this.#perSecond
  }

  clear(): void {
    this.#buckets.clear()
  }
}
