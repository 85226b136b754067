import type { Reading } from '../core/index.js'
import { parseLine } from './line-protocol.js'

/**
 * Why the store refused a line, as a bounded set (it labels
 * forewarn_ingest_dead_letters_total, so InfluxDB's free text would explode the series count).
 */
export type DeadLetterKind
  = 'field_type_conflict' | 'beyond_retention' | 'unparsable' | 'too_large' | 'rejected'

/** A reading the store refused for good, with the store's own explanation. */
export interface DeadLetter {
  /** The refused line protocol, exactly as it was sent. */
  line: string
  /** The reading the line stands for (undefined only if the line was not written by Forewarn). */
  reading: Reading | undefined
  kind: DeadLetterKind
  /** InfluxDB's words, e.g. `partial write: field type conflict: … dropped=1`. */
  reason: string
  /** HTTP status of the refusal, when the store speaks HTTP. */
  status: number | undefined
  /** Wall-clock epoch ms of the refusal. */
  at: number
}

/** The store's explanation of a refusal and its HTTP status, if any. */
export interface Refusal {
  reason: string
  status: number | undefined
}

/** How many dead letters are kept; older ones are only in the log and the counter. */
export const DEAD_LETTER_CAPACITY = 1_000

/** Maps a refusal to its kind, from InfluxDB's wording (1.x, 2.x and 3.x) and the status. */
export function deadLetterKind(reason: string, status: number | undefined): DeadLetterKind {
  if (status === 413) return 'too_large'
  // 3.x: "invalid column type for column 'value', expected iox::column_type::field::float, …"
  if (/field type conflict|conflicting type|schema conflict|invalid column type/i.test(reason)) {
    return 'field_type_conflict'
  }
  if (/retention/i.test(reason)) return 'beyond_retention'
  if (/unable to parse|parse error|parsing|could not parse|invalid|no fields were provided/i.test(reason)) {
    return 'unparsable'
  }
  return 'rejected'
}

/** The newest DEAD_LETTER_CAPACITY dead letters, oldest first. */
export class DeadLetterList {
  readonly #capacity: number
  #items: DeadLetter[] = []
  #total = 0

  constructor(capacity = DEAD_LETTER_CAPACITY) {
    this.#capacity = capacity
  }

  /** Every dead letter so far, including those no longer kept. */
  get total(): number {
    return this.#total
  }

  /** Records refused lines with the store's reason; returns the kind they were counted as. */
  add(lines: readonly string[], refusal: Refusal, at: number): DeadLetterKind {
    const { reason, status } = refusal
    const kind = deadLetterKind(reason, status)
    for (const line of lines.slice(-this.#capacity)) {
      this.#items.push({ line, reading: parseLine(line), kind, reason, status, at })
    }
    this.#total += lines.length
    if (this.#items.length > this.#capacity) this.#items = this.#items.slice(-this.#capacity)
    return kind
  }

  list(): DeadLetter[] {
    return this.#items.slice()
  }
}
