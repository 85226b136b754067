import { GROWTH_RATES_PER_HOUR, TREND_HALF_LIFE_HOURS, type BankFit, type TrendFit } from './trend-bank.js'

/**
 * A trend is credible only if its slope is at least 4 standard errors from zero. That is
 * stricter than a single 95 % test (1.96) on purpose: seven candidate curves are tested at
 * every reading, and residuals of real sensors are autocorrelated, which makes naive
 * standard errors too small.
 */
export const MIN_T_STAT = 4
/**
 * ...and if the rise over one memory time constant is at least 1.5 times the residual standard
 * deviation: a change an engineer would see on a plot, not merely a significant one.
 */
export const MIN_SIGNAL_TO_NOISE = 1.5
/** Likelihood-ratio cut for candidates still consistent with the data: χ²₁ at 95 % (Wilks 1938). */
const LIKELIHOOD_RATIO_95 = 3.84
/** The pessimistic slope is the estimate plus two standard errors (≈ 97.7 % one-sided). */
const PESSIMISTIC_SE = 2
/** Beyond the fastest candidate, the pessimistic bound assumes 1.5 times its rate. */
const FASTEST_RATE_MARGIN = 1.5
const MEMORY_HOURS = TREND_HALF_LIFE_HOURS / Math.LN2

/** What the fitted trend says about reaching the limit, in the trend's own units. */
export interface TrendAssessment {
  best: TrendFit
  tStat: number
  signalToNoise: number
  isCredible: boolean
  /** Hours until the best curve reaches the limit; Infinity when it never does. */
  mostLikelyHours: number
  /** Hours until the pessimistic curve reaches it; never later than mostLikelyHours. NaN if not asked for. */
  earliestHours: number
  /** 0.5 at the credibility thresholds, approaching 1 well beyond them. */
  confidence: number
}

/**
 * Judges a bank fit against a limit that lies above the level (callers flip the sign of
 * metrics that fail below their limit). `isPessimistic` false skips the pessimistic crossing
 * (earliestHours NaN), the costliest part, for a caller that only needs it once a trend alarms.
 */
export function assessTrend(bank: BankFit, limit: number, isPessimistic = true): TrendAssessment {
  const { best } = bank
  // Autocorrelated residuals carry less information than their count suggests: the AR(1)
  // effective-sample-size correction n(1 − ρ)/(1 + ρ) of Santer et al. (2000, JGR 105).
  const rho = bank.residualAutocorrelation
  const inflation = Math.sqrt((1 + rho) / (1 - rho))
  const tStat = best.slopeSe > 0 ? best.slope / (best.slopeSe * inflation) : 0
  const signalToNoise = best.residualSd > 0 ? riseOverMemory(best) / best.residualSd : 0
  const mostLikelyHours = hoursToLimit(best.level, best.slope, best.rate, limit)
  const earliestHours = isPessimistic ? Math.min(mostLikelyHours, pessimisticHours(bank, limit)) : Number.NaN
  const confidence = Math.min(
    1 - 0.5 * (MIN_T_STAT / Math.max(tStat, MIN_T_STAT)) ** 2,
    1 - 0.5 * (MIN_SIGNAL_TO_NOISE / Math.max(signalToNoise, MIN_SIGNAL_TO_NOISE)) ** 2,
  )
  return {
    best,
    tStat,
    signalToNoise,
    isCredible: best.slope > 0 && tStat >= MIN_T_STAT && signalToNoise >= MIN_SIGNAL_TO_NOISE,
    mostLikelyHours,
    earliestHours,
    confidence,
  }
}

/**
 * Hours until level + (slope / rate)(e^{rate·h} − 1) (or level + slope·h for rate 0) reaches
 * the limit: 0 if already there, Infinity if the curve never gets there.
 */
export function hoursToLimit(level: number, slope: number, rate: number, limit: number): number {
  if (level >= limit) return 0
  if (!(slope > 0)) return Infinity
  if (rate === 0) return (limit - level) / slope
  return Math.log1p(((limit - level) * rate) / slope) / rate
}

/** The curve's rise over the last memory time constant. */
function riseOverMemory(fit: TrendFit): number {
  if (fit.rate === 0) return fit.slope * MEMORY_HOURS
  return (fit.slope / fit.rate) * -Math.expm1(-fit.rate * MEMORY_HOURS)
}

/**
 * Earliest crossing among the candidates the data cannot reject (likelihood ratio), each
 * with its slope raised by two standard errors and its growth rate raised to the next faster
 * candidate's: degradations tend to accelerate (the P-F curve), so the bound assumes they do.
 */
function pessimisticHours(bank: BankFit, limit: number): number {
  const { best, fits } = bank
  // n_eff · ln(RSS / RSS_best) > χ² is RSS / RSS_best > e^{χ²/n_eff}: one exp, not a log per curve.
  const maxRatio = Math.exp(LIKELIHOOD_RATIO_95 / best.effectiveReadings)
  let earliest = Infinity
  for (const fit of fits) {
    const ratio = (fit.rss + Number.MIN_VALUE) / (best.rss + Number.MIN_VALUE)
    if (ratio > maxRatio) continue
    const slope = fit.slope + PESSIMISTIC_SE * fit.slopeSe
    earliest = Math.min(earliest, hoursToLimit(fit.level, slope, fasterRate(fit.rate), limit))
  }
  return earliest
}

function fasterRate(rate: number): number {
  for (const candidate of GROWTH_RATES_PER_HOUR) if (candidate > rate) return candidate
  return rate * FASTEST_RATE_MARGIN
}
