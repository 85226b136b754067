import type { EvidencePoint } from '../core/index.js'
import { EPISODE_SIZE, EpisodeRule } from './episode.js'
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

// Layout of the numbers in the state buffer.
const SEEN = 0
const PREVIOUS = 1
const PREVIOUS_TIME = 2
const BEFORE_PREVIOUS = 3
const REPEAT_RATE = 4
const RUN = 5
const RUN_START = 6
const LONGEST_RUN = 7
const STEP = 8
const STEPS = 9
const INTERVAL = 10
const INTERVALS = 11
const NEXT_SPIKE = 12
/** The last spike times, a ring of SPIKES_FOR_FAULT. */
const SPIKE_TIMES = 13
const STUCK_AT = SPIKE_TIMES + SPIKES_FOR_FAULT
const SPIKES_AT = STUCK_AT + EPISODE_SIZE
const DROPOUT_AT = SPIKES_AT + EPISODE_SIZE
/** Numbers sensor health keeps in its stream's state buffer. */
export const SENSOR_HEALTH_STATE_SIZE = DROPOUT_AT + EPISODE_SIZE
const EPISODE = new EpisodeRule(QUIET_HOURS)

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
  readonly #s: Float64Array
  readonly #at: number

  /** `state` and `at`: where its numbers live (the stream's buffer); its own buffer if not given. */
  constructor(
    ctx: StreamContext, warmupReadings: number, state = new Float64Array(SENSOR_HEALTH_STATE_SIZE), at = 0,
  ) {
    this.#ctx = ctx
    this.#warmupReadings = warmupReadings
    this.#s = state
    this.#at = at
    state[at + SEEN] = 0
    state[at + PREVIOUS] = Number.NaN
    state[at + PREVIOUS_TIME] = Number.NaN
    state[at + BEFORE_PREVIOUS] = Number.NaN
    state[at + REPEAT_RATE] = 0
    state[at + RUN] = 1
    state[at + RUN_START] = 0
    state[at + LONGEST_RUN] = 1
    state[at + STEP] = 0
    state[at + STEPS] = 0
    state[at + INTERVAL] = 0
    state[at + INTERVALS] = 0
    state[at + NEXT_SPIKE] = 0
    state.fill(Number.NEGATIVE_INFINITY, at + SPIKE_TIMES, at + SPIKE_TIMES + SPIKES_FOR_FAULT)
    for (const episode of [STUCK_AT, SPIKES_AT, DROPOUT_AT]) EPISODE.init(state, at + episode)
  }

  /**
   * A reading the physical-range check rejected: the sensor did report (no dropout), but the
   * value is no neighbour for spikes and breaks a run of repeats.
   */
  skip(time: number): void {
    const s = this.#s
    const at = this.#at
    s[at + PREVIOUS_TIME] = time
    s[at + PREVIOUS] = Number.NaN
    s[at + BEFORE_PREVIOUS] = Number.NaN
    s[at + RUN] = 1
    s[at + RUN_START] = time
  }

  /** Checks a physically valid reading, in time order. */
  observe(time: number, value: number): SensorHealthStep {
    const s = this.#s
    const at = this.#at
    const findings: Finding[] = []
    const isWarm = (s[at + SEEN] ?? 0) >= this.#warmupReadings
    const dropout = this.#checkGap(time, isWarm)
    if (dropout !== null) findings.push(dropout)
    const isStuck = this.#checkRepeat(time, value, isWarm, findings)
    const spikes = isStuck ? null : this.#checkSpike(time, value, isWarm)
    if (spikes !== null) findings.push(spikes)

    s[at + BEFORE_PREVIOUS] = s[at + PREVIOUS] ?? 0
    s[at + PREVIOUS] = value
    s[at + PREVIOUS_TIME] = time
    s[at + SEEN] = (s[at + SEEN] ?? 0) + 1
    return { isStuck, findings }
  }

  #checkGap(time: number, isWarm: boolean): Finding | null {
    const s = this.#s
    const at = this.#at
    if (Number.isNaN(s[at + PREVIOUS_TIME] ?? 0)) return null
    const gap = time - (s[at + PREVIOUS_TIME] ?? 0)
    const threshold = Math.max(DROPOUT_INTERVALS * (s[at + INTERVAL] ?? 0), MIN_DROPOUT_MS)
    const isGap = isWarm && (s[at + INTERVALS] ?? 0) >= MIN_INTERVALS && gap >= threshold
    if (!isGap) {
      this.#learnInterval(gap)
      EPISODE.quiet(s, at + DROPOUT_AT, time)
      return null
    }
    const from = s[at + PREVIOUS_TIME] ?? 0
    const change = EPISODE.active(s, at + DROPOUT_AT, time, 'warning', from)
    if (change === null) return null
    const points: EvidencePoint[] = [{ metric: this.#ctx.metric, time: from, value: s[at + PREVIOUS] ?? 0 }]
    return this.#finding(SENSOR_DROPOUT_DETECTOR, CONFIDENCE.dropout, {
      start: from, time, points,
      summary: dropoutSentence(this.#ctx, { from, to: time, usualMs: s[at + INTERVAL] ?? 0 }),
    })
  }

  #learnInterval(gap: number): void {
    const s = this.#s
    const at = this.#at
    if (!(gap > 0)) return
    const intervals = (s[at + INTERVALS] ?? 0) + 1
    const interval = s[at + INTERVAL] ?? 0
    s[at + INTERVALS] = intervals
    s[at + INTERVAL] = intervals === 1 ? gap : interval * (gap > interval ? INTERVAL_STEP : 1 / INTERVAL_STEP)
  }

  #checkRepeat(time: number, value: number, isWarm: boolean, findings: Finding[]): boolean {
    const s = this.#s
    const at = this.#at
    const isRepeat = value === (s[at + PREVIOUS] ?? 0)
    const weight = Math.max(1 / ((s[at + SEEN] ?? 0) + 1), 1 / REPEAT_RATE_READINGS)
    const needed = this.#stuckRun()
    if (isRepeat) {
      s[at + RUN] = (s[at + RUN] ?? 0) + 1
    } else {
      // A run that was not a fault tells how long this stream repeats itself on its own.
      if ((s[at + RUN] ?? 0) < needed) s[at + LONGEST_RUN] = Math.max(s[at + LONGEST_RUN] ?? 0, s[at + RUN] ?? 0)
      s[at + RUN] = 1
      s[at + RUN_START] = time
      EPISODE.quiet(s, at + STUCK_AT, time)
    }
    // Readings of a stuck run are not learned as repeats, or a long fault would teach that repeats are usual.
    const isStuck = isWarm && (s[at + RUN] ?? 0) >= needed
    const repeatRate = s[at + REPEAT_RATE] ?? 0
    if (!isStuck) s[at + REPEAT_RATE] = repeatRate + weight * ((isRepeat ? 1 : 0) - repeatRate)
    if (!isStuck) return false

    const change = EPISODE.active(s, at + STUCK_AT, time, 'warning', s[at + RUN_START] ?? 0)
    if (change !== null) {
      const points: EvidencePoint[] = [
        { metric: this.#ctx.metric, time: s[at + RUN_START] ?? 0, value }, { metric: this.#ctx.metric, time, value },
      ]
      findings.push(this.#finding(STUCK_SENSOR_DETECTOR, CONFIDENCE.stuck, {
        start: s[at + RUN_START] ?? 0, time, points,
        summary: stuckSentence(this.#ctx, { value, since: s[at + RUN_START] ?? 0, readings: s[at + RUN] ?? 0 }),
      }))
    }
    return true
  }

  /** Readings in a row with one value before the sensor is called stuck; Infinity: never. */
  #stuckRun(): number {
    const s = this.#s
    const at = this.#at
    const repeatRate = s[at + REPEAT_RATE] ?? 0
    if (repeatRate > MAX_REPEAT_RATE) return Infinity
    const byChance = repeatRate > 0 ? Math.ceil(Math.log(STUCK_CHANCE) / Math.log(repeatRate)) : 0
    return Math.max(MIN_STUCK_READINGS, byChance, 2 * (s[at + LONGEST_RUN] ?? 0))
  }

  /**
   * Judges the previous reading, now that its successor is known: a spike if it jumped away
   * from the reading before it and straight back with this one.
   */
  #checkSpike(time: number, value: number, isWarm: boolean): Finding | null {
    const s = this.#s
    const at = this.#at
    const middle = s[at + PREVIOUS] ?? 0
    const before = s[at + BEFORE_PREVIOUS] ?? 0
    const stepIn = Math.abs(middle - before)
    const stepOut = Math.abs(value - middle)
    const limit = SPIKE_STEPS * (s[at + STEP] ?? 0)
    const isSpike = isWarm && (s[at + STEP] ?? 0) > 0 && stepIn > limit && stepOut > limit
      && Math.abs(value - before) < SPIKE_NEIGHBOUR_AGREEMENT * limit
    const step = Math.abs(value - middle)
    // Only steps that move count: a quantised stream's flicker by one quantum is its usual step.
    if (!isSpike && Number.isFinite(step) && step > 0) {
      s[at + STEPS] = (s[at + STEPS] ?? 0) + 1
      const weight = Math.max(1 / (s[at + STEPS] ?? 0), 1 / STEP_READINGS)
      // A big step (a genuine jump, or a spike's leading edge) moves the typical step only so far.
      const learned = (s[at + STEP] ?? 0) > 0 ? Math.min(step, 2 * limit) : step
      s[at + STEP] = (s[at + STEP] ?? 0) + (weight * (learned - (s[at + STEP] ?? 0)))
    }
    if (!isSpike) {
      EPISODE.quiet(s, at + SPIKES_AT, time)
      return null
    }

    s[at + SPIKE_TIMES + (s[at + NEXT_SPIKE] ?? 0)] = s[at + PREVIOUS_TIME] ?? 0
    s[at + NEXT_SPIKE] = ((s[at + NEXT_SPIKE] ?? 0) + 1) % SPIKES_FOR_FAULT
    const oldest = s[at + SPIKE_TIMES + (s[at + NEXT_SPIKE] ?? 0)] ?? Number.NEGATIVE_INFINITY
    if ((s[at + PREVIOUS_TIME] ?? 0) - oldest > SPIKE_WINDOW_HOURS * HOUR_MS) return null
    const change = EPISODE.active(s, at + SPIKES_AT, time, 'warning', oldest)
    if (change === null) return null
    return this.#finding(SENSOR_SPIKES_DETECTOR, CONFIDENCE.spikes, {
      start: oldest, time,
      points: [{ metric: this.#ctx.metric, time: s[at + PREVIOUS_TIME] ?? 0, value: middle }],
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
