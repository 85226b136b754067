/**
 * The usual value of a stream for each hour of the week (168 levels), so a load that peaks every
 * afternoon, or drops every weekend, is expected rather than anomalous. Hours of the week are
 * counted in UTC: the models do not need the site's time zone, since whatever local pattern a
 * site has falls on the same UTC hours every week (a daylight-saving change moves it by one
 * hour twice a year, which the levels relearn within a few weeks).
 *
 * Each level starts as the plain mean of its readings and becomes an exponential mean once it
 * has enough of them: with 5-minute readings about 40 readings (three to four weekly visits),
 * with hourly readings three visits. Constant memory: 168 float32 levels and 168 byte counts.
 */

const HOURS_PER_WEEK = 168
const HOUR_MS = 3_600_000
/** 1970-01-01 was a Thursday; shifting by 4 days makes hour 0 of the week Monday 00:00 UTC. */
const MONDAY_OFFSET_MS = 4 * 24 * HOUR_MS
const WEEK_MS = HOURS_PER_WEEK * HOUR_MS
/**
 * Weight of one hour of readings in its level: 0.3, so a level mostly reflects the last three
 * weekly visits of its hour. Readings further apart than an hour count as one hour.
 */
const WEIGHT_PER_HOUR = 0.3
const MAX_COUNT = 255
/** Levels are float32; values beyond its range (about 3.4e38) are not learned. */
const MAX_LEARNED = 3e38

/** The hour of the week (0 = Monday 00:00–01:00 UTC) of an epoch-ms time. */
export function hourOfWeek(time: number): number {
  const inWeek = (((time - MONDAY_OFFSET_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS
  return Math.floor(inWeek / HOUR_MS)
}

export class SeasonalProfile {
  readonly #levels = new Float32Array(HOURS_PER_WEEK)
  readonly #counts = new Uint8Array(HOURS_PER_WEEK)

  /** The usual value at this time; NaN when its hour of the week has no readings yet. */
  expected(time: number): number {
    const hour = hourOfWeek(time)
    return (this.#counts[hour] ?? 0) === 0 ? Number.NaN : (this.#levels[hour] ?? Number.NaN)
  }

  /** Learns a reading judged normal; `stepHours` is the time since the stream's previous reading. */
  learn(time: number, value: number, stepHours: number): void {
    if (!(Math.abs(value) <= MAX_LEARNED)) return
    const hour = hourOfWeek(time)
    const count = Math.min((this.#counts[hour] ?? 0) + 1, MAX_COUNT)
    const weight = Math.max(1 / count, WEIGHT_PER_HOUR * Math.min(Math.max(stepHours, 0), 1))
    const level = this.#levels[hour] ?? 0
    this.#levels[hour] = count === 1 ? value : level + weight * (value - level)
    this.#counts[hour] = count
  }

  /** Forgets every level, e.g. after the stream settled at a new level. */
  reset(): void {
    this.#levels.fill(0)
    this.#counts.fill(0)
  }
}
