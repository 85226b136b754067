import { Episode } from './episode.js'
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

/** The outcome of one reading. */
export interface RangeStep {
  /** The reading is impossible and must not reach the baseline or the trend. */
  isFault: boolean
  finding: Finding | null
}

/**
 * Flags readings outside the profile's physicalMin..physicalMax, and non-finite values,
 * as sensor faults: one Signal per episode of impossible readings.
 */
export class PhysicalRangeCheck {
  readonly #ctx: StreamContext
  readonly #episode = new Episode(QUIET_HOURS)

  constructor(ctx: StreamContext) {
    this.#ctx = ctx
  }

  observe(time: number, value: number): RangeStep {
    if (!this.#isImpossible(value)) {
      this.#episode.quiet(time)
      return { isFault: false, finding: null }
    }

    const change = this.#episode.active(time, 'warning')
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
