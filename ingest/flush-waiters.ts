interface Waiter {
  target: number
  resolve: () => void
  reject: (err: Error) => void
}

/** flush() calls waiting for their target (frames done) to be reached, in any order. */
export class FlushWaiters {
  #waiters: Waiter[] = []

  /** True while some flush() waits: the writer then writes partial batches at once. */
  get isWaiting(): boolean {
    return this.#waiters.length > 0
  }

  /** Resolves when `settle` finds `isDone(target)`, rejects on `rejectAll`. */
  wait(target: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ target, resolve, reject })
    })
  }

  settle(isDone: (target: number) => boolean): void {
    const waiting = this.#waiters
    this.#waiters = waiting.filter((waiter) => !isDone(waiter.target))
    for (const waiter of waiting) if (isDone(waiter.target)) waiter.resolve()
  }

  rejectAll(err: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err)
  }
}
