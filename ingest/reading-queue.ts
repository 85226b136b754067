import type { Reading } from '../core/index.js'

/**
 * FIFO of readings kept as the arrays accept() received, so queueing is O(1) per call and
 * taking a batch is O(batch). Array.shift() per reading would be O(pending) each time.
 */
export class ReadingQueue {
  #chunks: Reading[][] = []
  #head = 0
  #offset = 0
  #size = 0

  get size(): number {
    return this.#size
  }

  push(readings: Reading[]): void {
    if (readings.length === 0) return
    this.#chunks.push(readings)
    this.#size += readings.length
  }

  /** Removes and returns up to `max` readings, oldest first. */
  take(max: number): Reading[] {
    const batch: Reading[] = []
    while (batch.length < max && this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head] as Reading[]
      const end = Math.min(chunk.length, this.#offset + max - batch.length)
      for (let i = this.#offset; i < end; i++) batch.push(chunk[i] as Reading)
      this.#offset = end
      if (end === chunk.length) {
        this.#head += 1
        this.#offset = 0
      }
    }
    this.#size -= batch.length
    this.#compact()
    return batch
  }

  /** Drops consumed chunks once they are the larger part, keeping memory proportional to size. */
  #compact(): void {
    if (this.#head === 0 || this.#head * 2 < this.#chunks.length) return
    this.#chunks = this.#chunks.slice(this.#head)
    this.#head = 0
  }
}
