import { EPISODE_SIZE, EpisodeRule } from './episode.js'
import type { Finding } from './finding.js'
import type { StreamContext } from './stream-context.js'
import { sensorSentence } from './summary.js'

/** Detector name and version carried by every sensor-fault Signal. */
export const PHYSICAL_RANGE_DETECTOR = { name: 'physical-range', version: '1.0.0' } as const

/** Failure mode of a sensor fault: the sensor, not the equipment, needs attention. */
export const SENSOR_FAULT_MODE = 'sensor_fault'

/** In-range data time before a sensor-fault episode ends and a new one may be reported. */
const QUIET_HOURS = 6
/**
 * A value outside what the sensor can physically report is a fact, not a statistic; the
 * residual doubt is whether the profile's range is right.
 */
const SENSOR_FAULT_CONFIDENCE = 0.99

/** Numbers the check keeps in its stream's state buffer: one episode. */
export const PHYSICAL_RANGE_STATE_SIZE = EPISODE_SIZE
const EPISODE = new EpisodeRule(QUIET_HOURS)

/** The outcome of one reading. */
export interface RangeStep {
  /** The reading is impossible and must not reach the baseline or the trend. */
  isFault: boolean
  finding: Finding | null
}

/** The usual outcome, shared: callers only read it. */
const NOT_A_FAULT: RangeStep = Object.freeze({ isFault: false, finding: null })

/**
 * Flags readings outside the profile's physicalMin..physicalMax, and non-finite values,
 * as sensor faults: one Signal per episode of impossible readings.
 */
export class PhysicalRangeCheck {
  readonly #ctx: StreamContext
  readonly #s: Float64Array
  readonly #at: number

  /** `state` and `at`: where its numbers live (the stream's buffer); its own buffer if not given. */
  constructor(ctx: StreamContext, state = new Float64Array(PHYSICAL_RANGE_STATE_SIZE), at = 0) {
    this.#ctx = ctx
    this.#s = state
    this.#at = at
    EPISODE.init(state, at)
  }

  observe(time: number, value: number): RangeStep {
    if (!this.#isImpossible(value)) {
      EPISODE.quiet(this.#s, this.#at, time)
      return NOT_A_FAULT
    }

    const change = EPISODE.active(this.#s, this.#at, time, 'warning')
    return { isFault: true, finding: change === null ? null : this.#finding(time, value) }
  }

  #isImpossible(value: number): boolean {
    if (!Number.isFinite(value)) return true
    const { physicalMin, physicalMax } = this.#ctx
    const isBelow = physicalMin !== undefined && value < physicalMin
    return isBelow || (physicalMax !== undefined && value > physicalMax)
  }

  #finding(time: number, value: number): Finding {
    // Evidence must survive JSON: a non-finite value is reported in words, not as a number.
    const points = Number.isFinite(value) ? [{ metric: this.#ctx.metric, time, value }] : []
    return {
      kind: 'sensor_fault',
      failureMode: SENSOR_FAULT_MODE,
      severity: 'warning',
      confidence: SENSOR_FAULT_CONFIDENCE,
      episodeStart: time,
      detectedAt: time,
      predictedFailure: null,
      evidence: {
        metrics: [this.#ctx.metric],
        windowStart: time,
        windowEnd: time,
        points,
        summary: sensorSentence(this.#ctx, value, time),
      },
      detector: { ...PHYSICAL_RANGE_DETECTOR },
    }
  }
}
