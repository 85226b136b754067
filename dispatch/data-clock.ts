import type { Clock } from '../core/index.js'
import type { Db } from './db.js'

const DATA_KEY = 'data_clock_ms'
const WALL_KEY = 'data_clock_wall_ms'

/**
 * Dispatch's sense of "now", in the data clock. Work orders, visits and deadlines are all in
 * the data clock (the devices' time), so escalation deadlines must be too: a replay of 2014
 * must not find every 2014 visit "missed" against today's wall clock. The clock is the latest
 * data time seen (signals, readings), carried forward at wall-clock speed since it was seen,
 * so deadlines still fall due while every device is silent. In live operation the two clocks
 * agree; before any data time is known it is the wall clock.
 */
export class DataClock {
  readonly #wall: Clock
  #dataMs: number | null = null
  #seenAtWallMs = 0

  constructor(wall: Clock) {
    this.#wall = wall
  }

  /** Moves the clock to a data time, never backwards (late readings do not rewind it). */
  observe(dataMs: number): void {
    const last = this.#dataMs
    // Every reading passes here: most are not later than the last data time, and those need no
    // wall-clock read at all; the rest read it once.
    if (last !== null && dataMs <= last) return
    const wallMs = this.#wall.now()
    if (last !== null && dataMs <= last + Math.max(0, wallMs - this.#seenAtWallMs)) return
    this.#dataMs = dataMs
    this.#seenAtWallMs = wallMs
  }

  now(): number {
    if (this.#dataMs === null) return this.#wall.now()
    return this.#dataMs + Math.max(0, this.#wall.now() - this.#seenAtWallMs)
  }

  /** Restores the clock saved by persist(), so a restart does not fall back to the wall clock. */
  load(db: Db): void {
    const rows = db.prepare<[], { key: string, value: number }>('SELECT key, value FROM dispatch_meta').all()
    const values = new Map(rows.map((row) => [row.key, row.value]))
    const data = values.get(DATA_KEY)
    const wall = values.get(WALL_KEY)
    if (data === undefined || wall === undefined) return
    this.#dataMs = data
    this.#seenAtWallMs = wall
  }

  persist(db: Db): void {
    if (this.#dataMs === null) return
    const upsert = db.prepare(`INSERT INTO dispatch_meta (key, value) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
    db.transaction(() => {
      upsert.run(DATA_KEY, this.#dataMs)
      upsert.run(WALL_KEY, this.#seenAtWallMs)
    }).immediate()
  }
}
