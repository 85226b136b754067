import type { MetricProfile } from '../core/index.js'

/**
 * Sensor faults: the measurement is wrong while the equipment is fine. Each kind is one way
 * field sensors fail (and a detector must not read as wear):
 *   - `stuck`: the value freezes at what it read when the fault began (a hung transmitter, a
 *     frozen A/D converter);
 *   - `spikes`: isolated single readings far off that revert at once (a loose connector,
 *     electrical interference);
 *   - `dropout`: no readings at all for a while (a broken cable, a sensor bus reset); a gap,
 *     not zeros;
 *   - `out_of_range`: readings beyond what the sensor can physically report (an open or
 *     shorted loop).
 */
export type SensorFaultKind = 'stuck' | 'spikes' | 'dropout' | 'out_of_range'

/** The sensor-fault kinds, in the order the scenario draws them. */
export const SENSOR_FAULT_KINDS: readonly SensorFaultKind[] = ['stuck', 'spikes', 'dropout', 'out_of_range']

/** One injected sensor fault, as listed in the ground truth. */
export interface SensorFaultTruth {
  assetId: string
  deviceId: string
  metric: string
  kind: SensorFaultKind
  /** Data-clock epoch ms the fault begins (inclusive) and ends (exclusive). */
  start: number
  end: number
}

/** A spike reading is this many times the healthy level away from it (in the spike's direction). */
const SPIKE_SIZE = 0.6
/** Probability that a reading inside a `spikes` fault is a spike; the others read true. */
const SPIKE_PROBABILITY = 0.05

/**
 * Applies one sensor fault to one stream's values, reading after reading in time order. It
 * keeps the value a stuck sensor froze at, so it is stateful like the stream's noise.
 */
export class SensorFaultInjector {
  readonly truth: SensorFaultTruth
  readonly #profile: MetricProfile | undefined
  readonly #draw: () => number
  #frozen: number | null = null

  /** `draw` gives uniform numbers in [0, 1) for the spikes; use a generator of the fault's own. */
  constructor(truth: SensorFaultTruth, profile: MetricProfile | undefined, draw: () => number) {
    this.truth = truth
    this.#profile = profile
    this.#draw = draw
  }

  /** The value the sensor reports instead of `value` at `time`; null when it reports nothing. */
  apply(time: number, value: number): number | null {
    const { start, end, kind } = this.truth
    if (time < start || time >= end) return value
    if (kind === 'dropout') return null
    if (kind === 'stuck') {
      this.#frozen ??= value
      return this.#frozen
    }
    if (kind === 'out_of_range') return this.#impossible(value)
    const roll = this.#draw()
    if (roll >= SPIKE_PROBABILITY) return value
    const sign = roll < SPIKE_PROBABILITY / 2 ? 1 : -1
    return value * (1 + sign * SPIKE_SIZE)
  }

  /** Just beyond the physical range (an open loop reads below, a short above); -1 without one. */
  #impossible(value: number): number {
    const { physicalMin, physicalMax } = this.#profile ?? {}
    if (physicalMin !== undefined) return physicalMin - Math.max(1, Math.abs(physicalMin) * 0.1)
    if (physicalMax !== undefined) return physicalMax + Math.max(1, Math.abs(physicalMax) * 0.1)
    return Number.isFinite(value) ? Number.NaN : value
  }
}
