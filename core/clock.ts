/** Wall-clock source, injectable so tests can control time. Data-clock times come from readings. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
