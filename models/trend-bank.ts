import { EwTrendModel, type TrendFit } from './trend-model.js'

/**
 * Growth rates (per hour) of the candidate degradation curves: a straight line, then excess
 * growth e-folding every 5 days down to every day. Faster change than that is no longer a
 * trend to extrapolate but an anomaly, which the z-score detector reports.
 */
export const GROWTH_RATES_PER_HOUR: readonly number[] = [
  0, 1 / 120, 1 / 96, 1 / 72, 1 / 48, 1 / 36, 1 / 24,
]
/**
 * Half-life of a reading's weight. A day keeps two daily cycles in view (so the harmonics
 * are identifiable) while a four-day degradation still dominates the fit within a day or two.
 */
export const TREND_HALF_LIFE_HOURS = 24
/**
 * Residuals beyond this many residual standard deviations get Huber weights (Huber 1964),
 * so one spike cannot bend the trend; 3 leaves genuine but fast changes nearly untouched.
 */
const HUBER_K = 3
const HOUR_MS = 3_600_000

/** Every candidate's fit at the latest reading, and the best one by residual sum of squares. */
export interface BankFit {
  best: TrendFit
  fits: TrendFit[]
  /** Lag-1 autocorrelation of one-step-ahead residuals, clamped to [0, 0.99]. */
  residualAutocorrelation: number
}

/**
 * The candidate curves, all fed the same readings. The one with the smallest weighted
 * residual sum of squares is the maximum-likelihood choice among them (Gaussian errors).
 */
export class TrendBank {
  readonly #models = GROWTH_RATES_PER_HOUR
    .map((rate) => new EwTrendModel(rate, TREND_HALF_LIFE_HOURS))

  #firstTime = Number.NaN
  #lastTime = Number.NaN
  #last: { fit: TrendFit, model: EwTrendModel } | null = null
  #previousResidual = Number.NaN
  #residualSquares = 0
  #residualProducts = 0

  /** Data hours covered so far. */
  get spanHours(): number {
    return Number.isNaN(this.#firstTime) ? 0 : (this.#lastTime - this.#firstTime) / HOUR_MS
  }

  /** Adds a reading at a data time later than the previous one. */
  add(timeMs: number, y: number): void {
    if (Number.isNaN(this.#firstTime)) this.#firstTime = timeMs
    const hours = Number.isNaN(this.#lastTime) ? 0 : (timeMs - this.#lastTime) / HOUR_MS
    const residual = this.#residual(timeMs, hours, y)
    const weight = this.#huberWeight(residual)
    this.#trackAutocorrelation(hours, residual)
    this.#lastTime = timeMs
    for (const model of this.#models) {
      model.advance(hours)
      model.add(timeMs, y, weight)
    }
  }

  /** Fits every candidate now; null until each one has a fit. */
  evaluate(): BankFit | null {
    const fits: TrendFit[] = []
    let bestIndex = 0
    for (const [i, model] of this.#models.entries()) {
      const fit = model.fit()
      if (fit === null) return null
      fits.push(fit)
      if (fit.rss < (fits[bestIndex]?.rss ?? Infinity)) bestIndex = i
    }

    const best = fits[bestIndex]
    const model = this.#models[bestIndex]
    if (best === undefined || model === undefined) return null
    this.#last = { fit: best, model }
    const rho = this.#residualSquares > 0 ? this.#residualProducts / this.#residualSquares : 0
    return { best, fits, residualAutocorrelation: Math.min(Math.max(rho, 0), 0.99) }
  }

  #residual(timeMs: number, hours: number, y: number): number {
    if (this.#last === null) return Number.NaN
    return y - this.#last.model.predict(this.#last.fit, timeMs, hours)
  }

  #huberWeight(residual: number): number {
    const limit = HUBER_K * (this.#last?.fit.residualSd ?? 0)
    const size = Math.abs(residual)
    return !(size > limit) || !(limit > 0) ? 1 : limit / size
  }

  #trackAutocorrelation(hours: number, residual: number): void {
    const decay = Math.exp((-Math.LN2 * hours) / TREND_HALF_LIFE_HOURS)
    this.#residualSquares *= decay
    this.#residualProducts *= decay
    if (Number.isFinite(residual) && Number.isFinite(this.#previousResidual)) {
      this.#residualSquares += residual * residual
      this.#residualProducts += residual * this.#previousResidual
    }
    this.#previousResidual = residual
  }
}
