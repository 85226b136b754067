import {
  addOuter, bilinear, choleskyInto, choleskySolveInto, scaleInPlace, shearInPlace,
} from './linear-algebra.js'

/**
 * One exponentially weighted least-squares fit of
 *   y(τ) = a + b·g(τ) + Σ_{k=1,2} (c_k cos kωt + d_k sin kωt),   ω = 2π / 24 h,
 * where τ is hours relative to the latest reading and g(τ) = τ (a straight line, rate 0) or
 * g(τ) = e^{rτ} (an excess over a floor growing at rate r per hour: the exponential
 * degradation model of Gebraeel et al. 2005, "Residual-life distributions from component
 * degradation signals", IIE Transactions 37). The two daily harmonics absorb a daily load
 * cycle (Fourier terms for seasonality, Hyndman & Athanasopoulos, FPP3 §7.4), so an
 * afternoon peak is not mistaken for a trend.
 *
 * Only the sufficient statistics are kept (a 6×6 Gram matrix, its counterpart with squared
 * weights, and X'Wy): constant memory. Time decay and the moving time origin are exact
 * linear maps of those statistics, which also handles irregular gaps.
 */
const PARAMS = 6
const DAY_MS = 86_400_000
/** Relative ridge on the diagonal: only keeps the solve defined before a day of data. */
const RIDGE = 1e-9
// Work buffers shared by all models: every use is synchronous and finishes before the next.
const features = new Float64Array(PARAMS)
const scratch = new Float64Array(PARAMS * PARAMS)
const factor = new Float64Array(PARAMS * PARAMS)

/** One model's fit at the latest reading, in the (scaled) units the model was fed. */
export interface TrendFit {
  /** Growth rate per hour; 0 for the straight line. */
  rate: number
  /** Trend value now, daily cycle excluded. */
  level: number
  /** Trend slope now, per hour. */
  slope: number
  /** Standard error of the slope (sandwich estimator for weighted least squares). */
  slopeSe: number
  /** Weighted residual sum of squares; models fed the same data compare by it. */
  rss: number
  residualSd: number
  /** Kish effective sample size (Σw)² / Σw². */
  effectiveReadings: number
  coefficients: Float64Array
}

export class EwTrendModel {
  readonly rate: number
  readonly #decayPerHour: number
  readonly #gram = new Float64Array(PARAMS * PARAMS)
  readonly #gram2 = new Float64Array(PARAMS * PARAMS)
  readonly #moment = new Float64Array(PARAMS)
  #yy = 0
  #weight = 0
  #weight2 = 0

  constructor(rate: number, halfLifeHours: number) {
    this.rate = rate
    this.#decayPerHour = Math.LN2 / halfLifeHours
  }

  /** Moves the time origin `hours` forward and decays every past reading accordingly. */
  advance(hours: number): void {
    if (!(hours > 0)) return
    const decay = Math.exp(-this.#decayPerHour * hours)
    if (this.rate === 0) {
      shearInPlace(this.#gram, PARAMS, 1, 0, -hours)
      shearInPlace(this.#gram2, PARAMS, 1, 0, -hours)
      this.#moment[1] = (this.#moment[1] ?? 0) - hours * (this.#moment[0] ?? 0)
    } else {
      const shrink = Math.exp(-this.rate * hours)
      scaleInPlace(this.#gram, PARAMS, 1, shrink)
      scaleInPlace(this.#gram2, PARAMS, 1, shrink)
      this.#moment[1] = (this.#moment[1] ?? 0) * shrink
    }
    scaleAll(this.#gram, decay)
    scaleAll(this.#gram2, decay * decay)
    scaleAll(this.#moment, decay)
    this.#yy *= decay
    this.#weight *= decay
    this.#weight2 *= decay * decay
  }

  /** Adds a reading taken at the current time origin, with a robustness weight in (0, 1]. */
  add(timeMs: number, y: number, weight: number): void {
    this.#fillFeatures(timeMs, 0)
    addOuter(this.#gram, features, weight, PARAMS)
    addOuter(this.#gram2, features, weight * weight, PARAMS)
    for (let i = 0; i < PARAMS; i++) {
      this.#moment[i] = (this.#moment[i] ?? 0) + weight * (features[i] ?? 0) * y
    }
    this.#yy += weight * y * y
    this.#weight += weight
    this.#weight2 += weight * weight
  }

  /** Least-squares fit now; null when the statistics do not determine one. */
  fit(): TrendFit | null {
    if (!this.#factorize()) return null
    const beta = solve(this.#moment)
    const unit = new Float64Array(PARAMS)
    unit[1] = 1
    const slopeDirection = solve(unit)

    const explained = 2 * dot(beta, this.#moment) - bilinear(beta, this.#gram, beta, PARAMS)
    const rss = Math.max(this.#yy - explained, 0)
    const effective = (this.#weight * this.#weight) / this.#weight2
    const variance = (rss / this.#weight) * (effective / Math.max(effective - PARAMS, 1))
    const sandwich = bilinear(slopeDirection, this.#gram2, slopeDirection, PARAMS)
    const coefficientSe = Math.sqrt(Math.max(variance * sandwich, 0))
    const b = beta[1] ?? 0
    const isLine = this.rate === 0
    const fit: TrendFit = {
      rate: this.rate,
      level: (beta[0] ?? 0) + (isLine ? 0 : b),
      slope: isLine ? b : b * this.rate,
      slopeSe: isLine ? coefficientSe : coefficientSe * this.rate,
      rss,
      residualSd: Math.sqrt(variance),
      effectiveReadings: effective,
      coefficients: beta,
    }
    return isFiniteFit(fit) ? fit : null
  }

  /** The fitted curve, daily cycle included, `hours` after the latest reading at `timeMs`. */
  predict(fit: TrendFit, timeMs: number, hours: number): number {
    this.#fillFeatures(timeMs, hours)
    return dot(fit.coefficients, features)
  }

  #fillFeatures(timeMs: number, hours: number): void {
    const phase = (2 * Math.PI * (((timeMs % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS
    features[0] = 1
    features[1] = this.rate === 0 ? hours : Math.exp(this.rate * hours)
    features[2] = Math.cos(phase)
    features[3] = Math.sin(phase)
    features[4] = Math.cos(2 * phase)
    features[5] = Math.sin(2 * phase)
  }

  /** Cholesky factor of the ridged Gram matrix into the shared `factor` buffer. */
  #factorize(): boolean {
    let trace = 0
    for (let i = 0; i < PARAMS; i++) trace += this.#gram[i * PARAMS + i] ?? 0
    const ridge = (RIDGE * trace) / PARAMS + Number.MIN_VALUE
    scratch.set(this.#gram)
    for (let i = 0; i < PARAMS; i++) {
      scratch[i * PARAMS + i] = (scratch[i * PARAMS + i] ?? 0) + ridge
    }
    return choleskyInto(scratch, PARAMS, factor)
  }
}

/** Solves with the factor #factorize just left in the shared buffer. */
function solve(rhs: Float64Array): Float64Array {
  const out = new Float64Array(PARAMS)
  choleskySolveInto(factor, PARAMS, rhs, out)
  return out
}

function scaleAll(values: Float64Array, by: number): void {
  for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) * by
}

function dot(a: Float64Array, b: Float64Array): number {
  let total = 0
  for (let i = 0; i < a.length; i++) total += (a[i] ?? 0) * (b[i] ?? 0)
  return total
}

function isFiniteFit(fit: TrendFit): boolean {
  const numbers = [fit.level, fit.slope, fit.slopeSe, fit.rss, fit.residualSd, fit.effectiveReadings]
  return numbers.every(Number.isFinite)
}
