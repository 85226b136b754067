/**
 * Bounds how many QoS 1 publishes of one client await their PUBACK. Sends start in the
 * order submit() is called, so one device's messages leave in time order, while up to
 * `limit` of them are on the wire at once. The first failure is kept and rethrown from the
 * next submit() or drain(); the tracked promises themselves never reject unobserved.
 */
export class InFlightWindow {
  readonly #limit: number
  readonly #pending = new Set<Promise<void>>()
  #failure: { err: unknown } | null = null

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Waits for a free slot, then starts the send without waiting for its acknowledgement. */
  async submit(send: () => Promise<void>): Promise<void> {
    while (this.#pending.size >= this.#limit) await Promise.race(this.#pending)
    this.#throwIfFailed()

    const tracked: Promise<void> = send().then(
      () => { this.#pending.delete(tracked) },
      (err: unknown) => {
        this.#pending.delete(tracked)
        this.#failure ??= { err }
      },
    )
    this.#pending.add(tracked)
  }

  /** Resolves when every started send has settled; rejects with the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.#pending)
    this.#throwIfFailed()
  }

  /** Resolves when every started send has settled, whatever the outcome; for stopping runs. */
  async settled(): Promise<void> {
    await Promise.all(this.#pending)
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure.err
  }
}
