/**
 * Failed logins per client address. A device secret is far beyond guessing, so the point is
 * the broker's CPU: every CONNECT costs an scrypt hash (tens of milliseconds), and a flood of
 * bad logins from one address must not crowd out the fleet's. After `limit` failures in a
 * window, that address's CONNECTs are refused without hashing until the window ends.
 *
 * Keyed by address, not by device id: keying by id would let anyone lock a real device out
 * by failing logins in its name. Devices behind the same NAT as a misbehaving client share
 * its window; the refusal says "server unavailable", so they retry later.
 */
export class LoginThrottle {
  readonly #limit: number
  readonly #windowMs: number
  readonly #maxTracked: number
  readonly #failures = new Map<string, { count: number, since: number }>()

  constructor(options: { limit: number, windowMs: number, maxTracked?: number }) {
    this.#limit = options.limit
    this.#windowMs = options.windowMs
    this.#maxTracked = options.maxTracked ?? 10_000
  }

  isBlocked(address: string, now: number): boolean {
    const entry = this.#failures.get(address)
    if (entry === undefined) return false
    if (now - entry.since >= this.#windowMs) {
      this.#failures.delete(address)
      return false
    }
    return entry.count >= this.#limit
  }

  recordFailure(address: string, now: number): void {
    const entry = this.#failures.get(address)
    if (entry !== undefined && now - entry.since < this.#windowMs) {
      entry.count++
      return
    }
    this.#failures.delete(address)
    this.#failures.set(address, { count: 1, since: now })
    this.#bound(now)
  }

  /** Memory stays bounded under a flood from many addresses: expired windows go first, then the oldest. */
  #bound(now: number): void {
    if (this.#failures.size <= this.#maxTracked) return
    for (const [address, entry] of this.#failures) {
      if (now - entry.since >= this.#windowMs) this.#failures.delete(address)
    }
    for (const address of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxTracked) break
      this.#failures.delete(address)
    }
  }

  get tracked(): number {
    return this.#failures.size
  }
}
