/** After a stop, in-flight messages get this long to be acknowledged before sessions are dropped. */
const STOP_GRACE_MS = 2_000

/**
 * Stops a run for either reason, the caller's abort signal or the first failure, and keeps
 * that first failure. Once stopped, it gives in-flight messages a grace period, then calls
 * `dropSessions` so that nothing waits forever on a broker that is gone.
 */
export class RunStop {
  readonly #controller = new AbortController()
  readonly #callerSignal: AbortSignal | undefined
  readonly #dropSessions: () => void
  readonly #onCallerAbort = (): void => this.#stop()
  #failure: { err: unknown } | null = null
  #graceTimer: NodeJS.Timeout | null = null

  constructor(callerSignal: AbortSignal | undefined, dropSessions: () => void) {
    this.#callerSignal = callerSignal
    this.#dropSessions = dropSessions
    callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true })
    if (callerSignal?.aborted === true) this.#stop()
  }

  /** Aborted once the run must stop; publishing loops check it between messages. */
  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** True when the caller stopped the run (not a failure). */
  get isAborted(): boolean {
    return this.#failure === null && this.#controller.signal.aborted
  }

  /** Throws the failure that stopped the run, if one did. */
  throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure.err
  }

  /**
   * Records a failure and stops the run. Errors arriving after the stop are its consequences
   * (sessions dropped on purpose), so only a failure that comes first is kept.
   */
  fail(err: unknown): void {
    if (this.#controller.signal.aborted) return
    this.#failure = { err }
    this.#stop()
  }

  /** Clears the grace timer and the listener on the caller's signal. */
  dispose(): void {
    if (this.#graceTimer !== null) clearTimeout(this.#graceTimer)
    this.#graceTimer = null
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort)
  }

  #stop(): void {
    if (this.#controller.signal.aborted) return
    this.#controller.abort()
    this.#graceTimer = setTimeout(this.#dropSessions, STOP_GRACE_MS)
  }
}
