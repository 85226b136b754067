import type { EvidencePoint } from '../core/index.js'
import { Episode } from './episode.js'
import type { Finding } from './finding.js'
import { SENSOR_FAULT_MODE } from './physical-range.js'
import type { StreamContext } from './stream-context.js'
import { dropoutSentence, spikesSentence, stuckSentence } from './summary.js'

/**
 * Detector names of the sensor-health checks. The name is the machine-readable reason of a
 * `sensor_fault` Signal (beside `physical-range`); the summary says it in words.
 */
export const STUCK_SENSOR_DETECTOR = { name: 'stuck-sensor', version: '1.0.0' } as const
export const SENSOR_SPIKES_DETECTOR = { name: 'sensor-spikes', version: '1.0.0' } as const
export const SENSOR_DROPOUT_DETECTOR = { name: 'sensor-dropout', version: '1.0.0' } as const

/**
 * A stuck sensor repeats one value exactly. A noisy analogue reading repeats itself rarely, so
 * the run needed is where chance would explain it less than once in a million readings under
 * the stream's own repeat rate p (run ≥ ln 10⁻⁶ / ln p), and never fewer than 12 readings or
 * fewer than twice the longest run seen before without a fault. A stream that repeats more than
 * half the time (a quantised or idle signal) is never called stuck.
 */
const STUCK_CHANCE = 1e-6
const MIN_STUCK_READINGS = 12
const MAX_REPEAT_RATE = 0.5
/** The repeat rate is an exponential mean over about this many readings. */
const REPEAT_RATE_READINGS = 1000
/**
 * A spike is one reading that jumps from its neighbour and straight back: both steps at least
 * 8 typical steps (mean absolute non-zero step between readings, about 1.13 noise SD for white
 * noise, so 9 SD), while the neighbours agree within a third of that.
 */
const SPIKE_STEPS = 8
const SPIKE_NEIGHBOUR_AGREEMENT = 1 / 3
/** One spike is noise; this many within SPIKE_WINDOW_HOURS is a sensor (or wiring) fault. */
const SPIKES_FOR_FAULT = 3
const SPIKE_WINDOW_HOURS = 24
/** The typical step is an exponential mean over about this many readings, spikes excluded. */
const STEP_READINGS = 200
/**
 * A dropout is a silence of at least 12 usual intervals and at least an hour: short enough to
 * report a broken cable the same day, long enough that a late message or two never counts.
 */
const DROPOUT_INTERVALS = 12
const MIN_DROPOUT_MS = 3_600_000
/** Intervals to see before the usual one is trusted. */
const MIN_INTERVALS = 50
/** Multiplicative step of the streaming median of the interval (frugal streaming, 1 % a step). */
const INTERVAL_STEP = 1.01
/** Data time without the fault before an episode ends and a new one may be reported. */
const QUIET_HOURS = 6
/** Exact repeats, jumps that revert and silences are facts; the doubt is only their cause. */
const CONFIDENCE = { stuck: 0.9, spikes: 0.8, dropout: 0.9 } as const
const HOUR_MS = 3_600_000

/** The outcome of one reading. */
export interface SensorHealthStep {
  /** The reading repeats a stuck value: it must not reach the baseline or the trend. */
  isStuck: boolean
  findings: Finding[]
}

/**
 * Stuck values, recurring spikes and dropouts of one stream: sensor faults, not equipment
 * faults. Constant memory (a few numbers and three spike times) and constant work per reading.
 * A gap is never read as a value: the stream simply has no reading there, the dropout is
 * reported when readings resume, and every detector sees the next reading as the next one.
 */
export class SensorHealth {
  readonly #ctx: StreamContext
  readonly #warmupReadings: number
  readonly #stuck = new Episode(QUIET_HOURS)
  readonly #spikes = new Episode(QUIET_HOURS)
  readonly #dropout = new Episode(QUIET_HOURS)
  #seen = 0
  #previous = Number.NaN
  #previousTime = Number.NaN
  #beforePrevious = Number.NaN
  #repeatRate = 0
  #run = 1
  #runStart = 0
  #longestRun = 1
  #step = 0
  #steps = 0
  #interval = 0
  #intervals = 0
  readonly #spikeTimes = new Float64Array(SPIKES_FOR_FAULT).fill(Number.NEGATIVE_INFINITY)
  #nextSpike = 0

  constructor(ctx: StreamContext, warmupReadings: number) {
    this.#ctx = ctx
    this.#warmupReadings = warmupReadings
  }

  /**
   * A reading the physical-range check rejected: the sensor did report (no dropout), but the
   * value is no neighbour for spikes and breaks a run of repeats.
   */
  skip(time: number): void {
    this.#previousTime = time
    this.#previous = Number.NaN
    this.#beforePrevious = Number.NaN
    this.#run = 1
    this.#runStart = time
  }

  /** Checks a physically valid reading, in time order. */
  observe(time: number, value: number): SensorHealthStep {
    const findings: Finding[] = []
    const isWarm = this.#seen >= this.#warmupReadings
    const dropout = this.#checkGap(time, isWarm)
    if (dropout !== null) findings.push(dropout)
    const isStuck = this.#checkRepeat(time, value, isWarm, findings)
    const spikes = isStuck ? null : this.#checkSpike(time, value, isWarm)
    if (spikes !== null) findings.push(spikes)

    this.#beforePrevious = this.#previous
    this.#previous = value
    this.#previousTime = time
    this.#seen++
    return { isStuck, findings }
  }

  #checkGap(time: number, isWarm: boolean): Finding | null {
    if (Number.isNaN(this.#previousTime)) return null
    const gap = time - this.#previousTime
    const threshold = Math.max(DROPOUT_INTERVALS * this.#interval, MIN_DROPOUT_MS)
    const isGap = isWarm && this.#intervals >= MIN_INTERVALS && gap >= threshold
    if (!isGap) {
      this.#learnInterval(gap)
      this.#dropout.quiet(time)
      return null
    }
    const change = this.#dropout.active(time, 'warning', this.#previousTime)
    if (change === null) return null
    const points: EvidencePoint[] = [
      { metric: this.#ctx.metric, time: this.#previousTime, value: this.#previous },
    ]
    return this.#finding(SENSOR_DROPOUT_DETECTOR, CONFIDENCE.dropout, {
      start: this.#previousTime, time, points,
      summary: dropoutSentence(this.#ctx, { from: this.#previousTime, to: time, usualMs: this.#interval }),
    })
  }

  #learnInterval(gap: number): void {
    if (!(gap > 0)) return
    this.#intervals++
    if (this.#intervals === 1) this.#interval = gap
    else this.#interval *= gap > this.#interval ? INTERVAL_STEP : 1 / INTERVAL_STEP
  }

  #checkRepeat(time: number, value: number, isWarm: boolean, findings: Finding[]): boolean {
    const isRepeat = value === this.#previous
    const weight = Math.max(1 / (this.#seen + 1), 1 / REPEAT_RATE_READINGS)
    const needed = this.#stuckRun()
    if (isRepeat) {
      this.#run++
    } else {
      // A run that was not a fault tells how long this stream repeats itself on its own.
      if (this.#run < needed) this.#longestRun = Math.max(this.#longestRun, this.#run)
      this.#run = 1
      this.#runStart = time
      this.#stuck.quiet(time)
    }
    // Readings of a stuck run are not learned as repeats, or a long fault would teach that repeats are usual.
    const isStuck = isWarm && this.#run >= needed
    if (!isStuck) this.#repeatRate += weight * ((isRepeat ? 1 : 0) - this.#repeatRate)
    if (!isStuck) return false

    const change = this.#stuck.active(time, 'warning', this.#runStart)
    if (change !== null) {
      const points: EvidencePoint[] = [
        { metric: this.#ctx.metric, time: this.#runStart, value }, { metric: this.#ctx.metric, time, value },
      ]
      findings.push(this.#finding(STUCK_SENSOR_DETECTOR, CONFIDENCE.stuck, {
        start: this.#runStart, time, points,
        summary: stuckSentence(this.#ctx, { value, since: this.#runStart, readings: this.#run }),
      }))
    }
    return true
  }

  /** Readings in a row with one value before the sensor is called stuck; Infinity: never. */
  #stuckRun(): number {
    if (this.#repeatRate > MAX_REPEAT_RATE) return Infinity
    const byChance = this.#repeatRate > 0 ? Math.ceil(Math.log(STUCK_CHANCE) / Math.log(this.#repeatRate)) : 0
    return Math.max(MIN_STUCK_READINGS, byChance, 2 * this.#longestRun)
  }

  /**
   * Judges the previous reading, now that its successor is known: a spike if it jumped away
   * from the reading before it and straight back with this one.
   */
  #checkSpike(time: number, value: number, isWarm: boolean): Finding | null {
    const middle = this.#previous
    const before = this.#beforePrevious
    const stepIn = Math.abs(middle - before)
    const stepOut = Math.abs(value - middle)
    const limit = SPIKE_STEPS * this.#step
    const isSpike = isWarm && this.#step > 0 && stepIn > limit && stepOut > limit
      && Math.abs(value - before) < SPIKE_NEIGHBOUR_AGREEMENT * limit
    const step = Math.abs(value - middle)
    // Only steps that move count: a quantised stream's flicker by one quantum is its usual step.
    if (!isSpike && Number.isFinite(step) && step > 0) {
      this.#steps++
      const weight = Math.max(1 / this.#steps, 1 / STEP_READINGS)
      // A big step (a genuine jump, or a spike's leading edge) moves the typical step only so far.
      const learned = this.#step > 0 ? Math.min(step, 2 * limit) : step
      this.#step += weight * (learned - this.#step)
    }
    if (!isSpike) {
      this.#spikes.quiet(time)
      return null
    }

    this.#spikeTimes[this.#nextSpike] = this.#previousTime
    this.#nextSpike = (this.#nextSpike + 1) % SPIKES_FOR_FAULT
    const oldest = this.#spikeTimes[this.#nextSpike] ?? Number.NEGATIVE_INFINITY
    if (this.#previousTime - oldest > SPIKE_WINDOW_HOURS * HOUR_MS) return null
    const change = this.#spikes.active(time, 'warning', oldest)
    if (change === null) return null
    return this.#finding(SENSOR_SPIKES_DETECTOR, CONFIDENCE.spikes, {
      start: oldest, time,
      points: [{ metric: this.#ctx.metric, time: this.#previousTime, value: middle }],
      summary: spikesSentence(this.#ctx, { count: SPIKES_FOR_FAULT, since: oldest, latest: middle }),
    })
  }

  #finding(
    detector: { name: string, version: string }, confidence: number,
    what: { start: number, time: number, points: EvidencePoint[], summary: string },
  ): Finding {
    return {
      kind: 'sensor_fault',
      failureMode: SENSOR_FAULT_MODE,
      severity: 'warning',
      confidence,
      episodeStart: what.start,
      detectedAt: what.time,
      predictedFailure: null,
      evidence: {
        metrics: [this.#ctx.metric],
        windowStart: what.start,
        windowEnd: what.time,
        points: what.points.filter((point) => Number.isFinite(point.value)),
        summary: what.summary,
      },
      detector: { ...detector },
    }
  }
}
