/** Keys kept before expired ones are dropped; see LogLimiter. */
const MAX_KEYS = 10_000

/**
 * At most one log line per key (device and reason) per interval, so a device sending bad
 * data a thousand times a second writes one line a minute, not a thousand a second; the
 * metrics and dead letters still count every occurrence. Memory is one entry per key; keys
 * are devices of the fleet times the fixed set of reasons, except in external broker mode,
 * where a topic can name any device, so past MAX_KEYS the expired entries are dropped (and,
 * if that is not enough, all of them: the cost is a few extra lines, never lost counts).
 */
export class LogLimiter {
  readonly #intervalMs: number
  readonly #keys = new Map<string, { loggedAt: number, suppressed: number }>()

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs
  }

  /**
   * Whether to log now; when so, how many occurrences were left unlogged since the last line.
   * `null` means "do not log".
   */
  admit(key: string, now: number): { suppressed: number } | null {
    const entry = this.#keys.get(key)
    if (entry !== undefined && now - entry.loggedAt < this.#intervalMs) {
      entry.suppressed++
      return null
    }
    if (entry === undefined && this.#keys.size >= MAX_KEYS) this.#prune(now)
    this.#keys.set(key, { loggedAt: now, suppressed: 0 })
    return { suppressed: entry?.suppressed ?? 0 }
  }

  #prune(now: number): void {
    for (const [key, { loggedAt }] of this.#keys) {
      if (now - loggedAt >= this.#intervalMs) this.#keys.delete(key)
    }
    if (this.#keys.size >= MAX_KEYS) this.#keys.clear()
  }

  clear(): void {
    this.#keys.clear()
  }
}
