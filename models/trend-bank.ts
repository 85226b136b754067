/**
 * The degradation trend's candidate curves, all fed the same readings: exponentially weighted
 * least-squares fits of
 *   y(τ) = a + b·g(τ) + Σ_{k=1,2} (c_k cos kωt + d_k sin kωt),   ω = 2π / 24 h,
 * where τ is hours relative to the latest reading and g(τ) = τ (a straight line, rate 0) or
 * g(τ) = e^{rτ} (an excess over a floor growing at rate r per hour: the exponential
 * degradation model of Gebraeel et al. 2005, "Residual-life distributions from component
 * degradation signals", IIE Transactions 37). The two daily harmonics absorb a daily load
 * cycle (Fourier terms for seasonality, Hyndman & Athanasopoulos, FPP3 §7.4), so an
 * afternoon peak is not mistaken for a trend. The curve with the smallest weighted residual
 * sum of squares is the maximum-likelihood choice among them (Gaussian errors).
 *
 * Only sufficient statistics are kept: Gram matrices (Σ w f fᵀ, and Σ w² f fᵀ for the sandwich
 * standard error) and X'Wy. Time decay and the moving time origin are exact linear maps of
 * them, which also handles irregular gaps. Five of the six features (the constant and the
 * harmonics) are the same for every curve, so their block of the statistics is kept once and
 * each curve adds only its row for g: 38 shared numbers and 13 per curve, all float32 at the
 * start of the stream's state buffer (a Float32Array over it), with y relative to a float64
 * anchor level that follows y's weighted mean (see REANCHOR_SHARE): float32 sums of y itself
 * would lose the residual sum of squares, a small difference of large sums, once the trend has
 * moved far from where it started. Each fit solves the shared 5×5 block
 * once (Cholesky) and each curve by its Schur complement (block elimination), which is the same
 * least-squares solution as solving every 6×6 system on its own, for a fraction of the work.
 */

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
/** Relative ridge on the diagonal: only keeps the solve defined before a day of data. */
const RIDGE = 1e-9
const PARAMS = 6
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const DECAY_PER_HOUR = Math.LN2 / TREND_HALF_LIFE_HOURS
const CURVES = GROWTH_RATES_PER_HOUR.length

/** Shared features: the constant, cos ωt, sin ωt, cos 2ωt, sin 2ωt. */
const SHARED = 5
const TRIANGLE = (SHARED * (SHARED + 1)) / 2
// Layout of the sufficient statistics, float32 (a Float32Array over the start of the state
// buffer). Shared statistics first:
const GRAM = 0
const GRAM2 = GRAM + TRIANGLE
const MOMENT = GRAM2 + TRIANGLE
const YY = MOMENT + SHARED
const WEIGHT = YY + 1
const WEIGHT2 = WEIGHT + 1
// ...then per curve, at CURVES_AT + curve · PER_CURVE: Σ w g f (5), Σ w g², the same with w², Σ w g y.
const CURVES_AT = WEIGHT2 + 1
const CROSS = 0
const GG = SHARED
const CROSS2 = GG + 1
const GG2 = CROSS2 + SHARED
const GY = GG2 + 1
const PER_CURVE = GY + 1
const STATISTICS = CURVES_AT + CURVES * PER_CURVE
/** Float64 slots the float32 statistics take at the start of the buffer. */
const STATISTICS_SLOTS = Math.ceil(STATISTICS / 2)
// ...then the bank's own float64 numbers: times, the anchor level the statistics' y are
// relative to, the one-step residuals, and the previous best curve (for the one-step residual).
const FIRST_TIME = STATISTICS_SLOTS
const LAST_TIME = FIRST_TIME + 1
const ANCHOR = LAST_TIME + 1
const PREVIOUS_RESIDUAL = ANCHOR + 1
const RESIDUAL_SQUARES = PREVIOUS_RESIDUAL + 1
const RESIDUAL_PRODUCTS = RESIDUAL_SQUARES + 1
const LAST_CURVE = RESIDUAL_PRODUCTS + 1
const LAST_SD = LAST_CURVE + 1
/** The previous best curve's coefficients (in the units fed, not relative to the anchor): shared, then g. */
const LAST_BETA = LAST_SD + 1
const STATE_SIZE = LAST_BETA + PARAMS
/** Numbers (float64 slots) a trend bank keeps, at the start of its state buffer. */
export const TREND_STATE_SIZE = STATE_SIZE
/**
 * The statistics' y are kept relative to an anchor level (float64), so their sums stay small and
 * the residual sum of squares, a difference of them, keeps its precision in float32. The anchor
 * moves to the weighted mean of y once that mean, squared, exceeds this share of the mean square
 * of y − anchor (1/16: the mean is off by a quarter of the root mean square).
 */
const REANCHOR_SHARE = 1 / 16
/**
 * Largest w·(y − anchor)² a reading may add: float32 ends at 3.4e38, so even a day of 1-second
 * readings (a weight sum of about 1.2e5) at this size stays finite. Only values some 1e16 baseline
 * spreads away reach it.
 */
const MAX_WEIGHTED_SQUARE = 1e33

// Work buffers and results shared by all banks: every use is synchronous and finishes before
// the next reading of any stream.
const features = new Float64Array(SHARED)
const factor = new Float64Array(TRIANGLE)
/** 1 / the factor's diagonal: the solves multiply instead of dividing. */
const inverseDiagonal = new Float64Array(SHARED)
const sharedSolution = new Float64Array(SHARED)
const crossSolution = new Float64Array(SHARED)
const coefficients = new Float64Array(SHARED)
const bestBeta = new Float64Array(PARAMS)
/** g's coefficient of the curve fitted last (the shared features' are in `coefficients`). */
let fittedGBeta = 0
/** e^{−r·h} per curve for the last gap h seen: regular streams never recompute it. */
const shrinkCache = { hours: Number.NaN, decay: 1, residualDecay: 1, shrink: new Float64Array(CURVES) }

/** One curve's fit at the latest reading, in the (scaled) units the bank was fed. */
export interface TrendFit {
  /** Growth rate per hour; 0 for the straight line. */
  rate: number
  /** Trend value now, daily cycle excluded. */
  level: number
  /** Trend slope now, per hour. */
  slope: number
  /** Standard error of the slope (sandwich estimator for weighted least squares). */
  slopeSe: number
  /** Weighted residual sum of squares; curves fed the same data compare by it. */
  rss: number
  residualSd: number
  /** Kish effective sample size (Σw)² / Σw². */
  effectiveReadings: number
}

/**
 * Every candidate's fit at the latest reading, and the best one by residual sum of squares.
 * The objects are reused by the next `evaluate()` of any bank: read them before the next reading.
 */
export interface BankFit {
  best: TrendFit
  fits: TrendFit[]
  /** Lag-1 autocorrelation of one-step-ahead residuals, clamped to [0, 0.99]. */
  residualAutocorrelation: number
}

const sharedFits: TrendFit[] = GROWTH_RATES_PER_HOUR.map((rate) => ({
  rate, level: 0, slope: 0, slopeSe: 0, rss: 0, residualSd: 0, effectiveReadings: 0,
}))
const sharedBankFit: BankFit = { best: sharedFits[0] ?? emptyFit(), fits: sharedFits, residualAutocorrelation: 0 }

export class TrendBank {
  readonly #state: Float64Array
  /** The sufficient statistics: float32, over the first STATISTICS_SLOTS numbers of `#state`. */
  readonly #f: Float32Array

  /**
   * `state`: a buffer with the bank's TREND_STATE_SIZE numbers at its start (the stream's); its own
   * if not given. `floats`: a Float32Array over the start of the same buffer (it may be longer,
   * shared with other users of the buffer); its own view if not given.
   */
  constructor(
    state = new Float64Array(STATE_SIZE), floats = new Float32Array(state.buffer, state.byteOffset, STATISTICS),
  ) {
    this.#state = state
    this.#f = floats
    state.fill(0, 0, STATE_SIZE)
    this.#state[FIRST_TIME] = Number.NaN
    this.#state[LAST_TIME] = Number.NaN
    this.#state[PREVIOUS_RESIDUAL] = Number.NaN
    this.#state[LAST_CURVE] = -1
  }

  /** Data hours covered so far. */
  get spanHours(): number {
    const first = this.#state[FIRST_TIME] ?? Number.NaN
    return Number.isNaN(first) ? 0 : ((this.#state[LAST_TIME] ?? first) - first) / HOUR_MS
  }

  /** Adds a reading at a data time later than the previous one. */
  add(timeMs: number, y: number): void {
    const s = this.#state
    if (Number.isNaN(s[FIRST_TIME])) {
      s[FIRST_TIME] = timeMs
      s[ANCHOR] = y
    }
    const lastTime = s[LAST_TIME] ?? Number.NaN
    const hours = Number.isNaN(lastTime) ? 0 : (timeMs - lastTime) / HOUR_MS
    fillFeatures(timeMs)
    const residual = y - this.#predict(hours)
    const centred = y - (s[ANCHOR] ?? 0)
    const huber = this.#huberWeight(residual)
    // The float32 sums must stay finite: a reading whose weighted square would not fit is left out.
    const weight = huber * centred * centred <= MAX_WEIGHTED_SQUARE ? huber : 0
    this.#trackAutocorrelation(hours, residual)
    s[LAST_TIME] = timeMs
    this.#advance(hours)
    this.#learn(centred, weight)
    this.#reanchor()
  }

  /** Fits every candidate now; null until each one has a fit. See BankFit on reuse. */
  evaluate(): BankFit | null {
    const s = this.#state
    const f = this.#f
    let trace = 0
    for (let i = 0; i < SHARED; i++) trace += f[GRAM + packedIndex(i, i)] ?? 0
    const ridge = (RIDGE * trace) / SHARED + Number.MIN_VALUE
    if (!packedCholeskyInto(f, GRAM, SHARED, ridge, factor)) return null
    packedSolveInto(factor, SHARED, f, MOMENT, sharedSolution)

    const anchor = s[ANCHOR] ?? 0
    let bestCurve = -1
    let bestRss = Infinity
    for (let curve = 0; curve < CURVES; curve++) {
      const fit = sharedFits[curve]
      if (fit === undefined || !this.#fitCurve(curve, ridge, anchor, fit)) return null
      if (fit.rss < bestRss) {
        bestRss = fit.rss
        bestCurve = curve
        bestBeta.set(coefficients)
        bestBeta[0] = (coefficients[0] ?? 0) + anchor
        bestBeta[SHARED] = fittedGBeta
      }
    }
    const best = sharedFits[bestCurve]
    if (best === undefined) return null
    s[LAST_CURVE] = bestCurve
    s[LAST_SD] = best.residualSd
    s.set(bestBeta, LAST_BETA)
    const squares = s[RESIDUAL_SQUARES] ?? 0
    const rho = squares > 0 ? (s[RESIDUAL_PRODUCTS] ?? 0) / squares : 0
    sharedBankFit.best = best
    sharedBankFit.residualAutocorrelation = Math.min(Math.max(rho, 0), 0.99)
    return sharedBankFit
  }

  /**
   * Fits one curve by block elimination: with A the shared block, b = Σ w g f and c = Σ w g²,
   * v = A⁻¹b, the Schur complement s = c − bᵀv, g's coefficient β_g = (Σ w g y − bᵀA⁻¹m)/s and
   * the shared ones A⁻¹m − β_g v. The slope's direction G⁻¹e_g is (−v, 1)/s. The statistics'
   * y are relative to `anchor`, which only moves the constant's coefficient.
   */
  #fitCurve(curve: number, ridge: number, anchor: number, fit: TrendFit): boolean {
    const f = this.#f
    const at = CURVES_AT + curve * PER_CURVE
    packedSolveInto(factor, SHARED, f, at + CROSS, crossSolution)
    const schur = (f[at + GG] ?? 0) + ridge - dotStatistics(f, at + CROSS, crossSolution, SHARED)
    if (!(schur > 0) || !Number.isFinite(schur)) return false
    const gBeta = ((f[at + GY] ?? 0) - dotStatistics(f, at + CROSS, sharedSolution, SHARED)) / schur
    let norm = gBeta * gBeta
    for (let i = 0; i < SHARED; i++) {
      const beta = (sharedSolution[i] ?? 0) - gBeta * (crossSolution[i] ?? 0)
      coefficients[i] = beta
      norm += beta * beta
    }
    fittedGBeta = gBeta

    // βᵀm, and βᵀGβ = βᵀm − ridge·|β|² for the ridged solution: RSS = Σwy² − 2βᵀm + βᵀGβ.
    const explained = dotStatistics(f, MOMENT, coefficients, SHARED) + gBeta * (f[at + GY] ?? 0) + ridge * norm
    const rss = Math.max((f[YY] ?? 0) - explained, 0)
    const weight = f[WEIGHT] ?? 0
    const effective = (weight * weight) / (f[WEIGHT2] ?? 0)
    const variance = (rss / weight) * (effective / Math.max(effective - PARAMS, 1))
    const sandwich = (packedQuadratic(f, GRAM2, SHARED, crossSolution)
      - 2 * dotStatistics(f, at + CROSS2, crossSolution, SHARED) + (f[at + GG2] ?? 0)) / (schur * schur)
    const coefficientSe = Math.sqrt(Math.max(variance * sandwich, 0))
    const rate = GROWTH_RATES_PER_HOUR[curve] ?? 0
    const isLine = rate === 0
    fit.level = (coefficients[0] ?? 0) + anchor + (isLine ? 0 : gBeta)
    fit.slope = isLine ? gBeta : gBeta * rate
    fit.slopeSe = isLine ? coefficientSe : coefficientSe * rate
    fit.rss = rss
    fit.residualSd = Math.sqrt(variance)
    fit.effectiveReadings = effective
    return Number.isFinite(fit.level) && Number.isFinite(fit.slope) && Number.isFinite(fit.slopeSe)
      && Number.isFinite(rss) && Number.isFinite(fit.residualSd) && Number.isFinite(effective)
  }

  /** The previous best curve, daily cycle included, `hours` after its reading (NaN if none). */
  #predict(hours: number): number {
    const s = this.#state
    const curve = s[LAST_CURVE] ?? -1
    if (curve < 0) return Number.NaN
    const rate = GROWTH_RATES_PER_HOUR[curve] ?? 0
    const g = rate === 0 ? hours : Math.exp(rate * hours)
    let shared = 0
    for (let i = 0; i < SHARED; i++) shared += (s[LAST_BETA + i] ?? 0) * (features[i] ?? 0)
    return shared + (s[LAST_BETA + SHARED] ?? 0) * g
  }

  #huberWeight(residual: number): number {
    const limit = HUBER_K * ((this.#state[LAST_CURVE] ?? -1) < 0 ? 0 : (this.#state[LAST_SD] ?? 0))
    const size = Math.abs(residual)
    return !(size > limit) || !(limit > 0) ? 1 : limit / size
  }

  #trackAutocorrelation(hours: number, residual: number): void {
    const s = this.#state
    const decay = cachedDecays(hours).residualDecay
    s[RESIDUAL_SQUARES] = (s[RESIDUAL_SQUARES] ?? 0) * decay
    s[RESIDUAL_PRODUCTS] = (s[RESIDUAL_PRODUCTS] ?? 0) * decay
    const previous = s[PREVIOUS_RESIDUAL] ?? Number.NaN
    if (Number.isFinite(residual) && Number.isFinite(previous)) {
      s[RESIDUAL_SQUARES] = (s[RESIDUAL_SQUARES] ?? 0) + residual * residual
      s[RESIDUAL_PRODUCTS] = (s[RESIDUAL_PRODUCTS] ?? 0) + residual * previous
    }
    s[PREVIOUS_RESIDUAL] = residual
  }

  /** Moves the time origin `hours` forward and decays every past reading accordingly. */
  #advance(hours: number): void {
    if (!(hours > 0)) return
    const f = this.#f
    const { decay, shrink } = cachedDecays(hours)
    const decay2 = decay * decay
    for (let curve = 0; curve < CURVES; curve++) {
      const at = CURVES_AT + curve * PER_CURVE
      if (curve === 0) {
        // The line: g(τ) becomes τ − h, so g's row gains −h times the constant's row (and
        // decays in the same step: one rounding to float32).
        shearLine(f, at + CROSS, at + GG, GRAM, -hours, decay)
        shearLine(f, at + CROSS2, at + GG2, GRAM2, -hours, decay2)
        f[at + GY] = ((f[at + GY] ?? 0) - hours * (f[MOMENT] ?? 0)) * decay
      } else {
        // An exponential: e^{r(τ−h)} = e^{−rh}·e^{rτ}, so g's row shrinks by e^{−rh} as it decays.
        const by = shrink[curve] ?? 1
        const byDecay = by * decay
        const byDecay2 = by * decay2
        scaleRange(f, at + CROSS, SHARED, byDecay)
        f[at + GG] = (f[at + GG] ?? 0) * (by * byDecay)
        scaleRange(f, at + CROSS2, SHARED, byDecay2)
        f[at + GG2] = (f[at + GG2] ?? 0) * (by * byDecay2)
        f[at + GY] = (f[at + GY] ?? 0) * byDecay
      }
    }
    scaleRange(f, GRAM, TRIANGLE, decay)
    scaleRange(f, GRAM2, TRIANGLE, decay2)
    scaleRange(f, MOMENT, SHARED + 1, decay)
    f[WEIGHT] = (f[WEIGHT] ?? 0) * decay
    f[WEIGHT2] = (f[WEIGHT2] ?? 0) * decay2
  }

  /** Adds the reading (features already filled; y relative to the anchor) at the current time origin, with weight w. */
  #learn(y: number, weight: number): void {
    const f = this.#f
    const weight2 = weight * weight
    packedAddOuter(f, GRAM, SHARED, features, weight)
    packedAddOuter(f, GRAM2, SHARED, features, weight2)
    for (let i = 0; i < SHARED; i++) f[MOMENT + i] = (f[MOMENT + i] ?? 0) + weight * (features[i] ?? 0) * y
    f[YY] = (f[YY] ?? 0) + weight * y * y
    f[WEIGHT] = (f[WEIGHT] ?? 0) + weight
    f[WEIGHT2] = (f[WEIGHT2] ?? 0) + weight2
    // At the reading g is 0 for the line (nothing to add) and e⁰ = 1 for every exponential.
    for (let curve = 1; curve < CURVES; curve++) {
      const at = CURVES_AT + curve * PER_CURVE
      for (let i = 0; i < SHARED; i++) {
        f[at + CROSS + i] = (f[at + CROSS + i] ?? 0) + weight * (features[i] ?? 0)
        f[at + CROSS2 + i] = (f[at + CROSS2 + i] ?? 0) + weight2 * (features[i] ?? 0)
      }
      f[at + GG] = (f[at + GG] ?? 0) + weight
      f[at + GG2] = (f[at + GG2] ?? 0) + weight2
      f[at + GY] = (f[at + GY] ?? 0) + weight * y
    }
  }

  /**
   * Moves the anchor to the weighted mean of y when that mean is off by more than REANCHOR_SHARE
   * of y's spread (in squares): y → y − d changes Σwfy by −d·Σwf (the Gram matrix's first
   * column), Σwy² by −2d·Σwy + d²·Σw and each curve's Σwgy by −d·Σwg. Exact maps, so the fit
   * is the same, only the sums stay small.
   */
  #reanchor(): void {
    const f = this.#f
    const weight = f[WEIGHT] ?? 0
    const sum = f[MOMENT] ?? 0
    const squares = f[YY] ?? 0
    if (!(weight > 0) || !(sum * sum > REANCHOR_SHARE * squares * weight)) return
    const d = sum / weight
    for (let i = 0; i < SHARED; i++) f[MOMENT + i] = (f[MOMENT + i] ?? 0) - d * (f[GRAM + packedIndex(i, 0)] ?? 0)
    f[YY] = Math.max(squares - 2 * d * sum + d * d * weight, 0)
    for (let curve = 0; curve < CURVES; curve++) {
      const at = CURVES_AT + curve * PER_CURVE
      f[at + GY] = (f[at + GY] ?? 0) - d * (f[at + CROSS] ?? 0)
    }
    this.#state[ANCHOR] = (this.#state[ANCHOR] ?? 0) + d
  }
}

/**
 * The line's g row after g → g + c·(constant), then decayed: cross_k ← (cross_k + c·A_k0)·decay
 * and gg ← (gg + c·cross_0 + c·(cross_0 + c·A_00))·decay, each rounded to float32 once.
 */
function shearLine(f: Float32Array, crossAt: number, ggAt: number, gramAt: number, c: number, decay: number): void {
  const crossBefore = f[crossAt] ?? 0
  const crossAfter = crossBefore + c * (f[gramAt] ?? 0)
  for (let k = 0; k < SHARED; k++) {
    f[crossAt + k] = ((f[crossAt + k] ?? 0) + c * (f[gramAt + packedIndex(k, 0)] ?? 0)) * decay
  }
  f[ggAt] = ((f[ggAt] ?? 0) + c * crossBefore + c * crossAfter) * decay
}

/** The constant and the daily harmonics at a time, into the shared `features` buffer. */
function fillFeatures(timeMs: number): void {
  const phase = (2 * Math.PI * (((timeMs % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS
  features[0] = 1
  features[1] = Math.cos(phase)
  features[2] = Math.sin(phase)
  features[3] = Math.cos(2 * phase)
  features[4] = Math.sin(2 * phase)
}

function cachedDecays(hours: number): typeof shrinkCache {
  if (hours === shrinkCache.hours) return shrinkCache
  shrinkCache.hours = hours
  shrinkCache.decay = Math.exp(-DECAY_PER_HOUR * hours)
  shrinkCache.residualDecay = Math.exp((-Math.LN2 * hours) / TREND_HALF_LIFE_HOURS)
  GROWTH_RATES_PER_HOUR.forEach((rate, curve) => {
    shrinkCache.shrink[curve] = Math.exp(-rate * hours)
  })
  return shrinkCache
}

function emptyFit(): TrendFit {
  return { rate: 0, level: 0, slope: 0, slopeSe: 0, rss: 0, residualSd: 0, effectiveReadings: 0 }
}

/*
 * Dense linear algebra for the bank's small symmetric systems. A symmetric n×n matrix is kept as
 * its lower triangle, packed row by row (entry (i, j), j ≤ i, at i(i+1)/2 + j), inside the state
 * buffer at `at`. n is 5, so plain loops beat anything clever, and nothing here allocates. These
 * helpers live in this module on purpose: calls into another module go through the loader's
 * export bindings, which cost about a quarter of the bank's time per reading (measured).
 */

/** Position of entry (i, j), j ≤ i, of a packed lower triangle. */
function packedIndex(i: number, j: number): number {
  return ((i * (i + 1)) >> 1) + j
}

/**
 * Cholesky factor of (M + ridge·I), where M is packed at `matrix[at..]`, into `out` (packed,
 * from 0). Returns false when it is not numerically positive definite.
 */
function packedCholeskyInto(
  matrix: Float32Array, at: number, n: number, ridge: number, out: Float64Array,
): boolean {
  for (let i = 0; i < n; i++) {
    const rowI = (i * (i + 1)) >> 1
    for (let j = 0; j <= i; j++) {
      const rowJ = (j * (j + 1)) >> 1
      let sum = (matrix[at + rowI + j] ?? 0) + (i === j ? ridge : 0)
      for (let k = 0; k < j; k++) sum -= (out[rowI + k] ?? 0) * (out[rowJ + k] ?? 0)
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return false
        out[rowI + i] = Math.sqrt(sum)
        inverseDiagonal[i] = 1 / (out[rowI + i] ?? 1)
      } else {
        out[rowI + j] = sum * (inverseDiagonal[j] ?? 1)
      }
    }
  }
  return true
}

/** Solves L Lᵀ x = rhs for x, given the packed Cholesky factor L; rhs at `rhs[at..]`, x into `out`. */
function packedSolveInto(
  factor: Float64Array, n: number, rhs: Float32Array, at: number, out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const row = (i * (i + 1)) >> 1
    let sum = rhs[at + i] ?? 0
    for (let k = 0; k < i; k++) sum -= (factor[row + k] ?? 0) * (out[k] ?? 0)
    out[i] = sum * (inverseDiagonal[i] ?? 1)
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = out[i] ?? 0
    for (let k = i + 1; k < n; k++) sum -= (factor[((k * (k + 1)) >> 1) + i] ?? 0) * (out[k] ?? 0)
    out[i] = sum * (inverseDiagonal[i] ?? 1)
  }
}

/** xᵀ M x for a symmetric M packed at `matrix[at..]`. */
function packedQuadratic(matrix: Float32Array, at: number, n: number, x: Float64Array): number {
  let total = 0
  for (let i = 0; i < n; i++) {
    const row = at + ((i * (i + 1)) >> 1)
    const xi = x[i] ?? 0
    let offDiagonal = 0
    for (let j = 0; j < i; j++) offDiagonal += (matrix[row + j] ?? 0) * (x[j] ?? 0)
    total += xi * (2 * offDiagonal + (matrix[row + i] ?? 0) * xi)
  }
  return total
}

/** M += w · f fᵀ for M packed at `matrix[at..]` (a symmetric rank-one update). */
function packedAddOuter(
  matrix: Float32Array, at: number, n: number, features: Float64Array, weight: number,
): void {
  for (let i = 0; i < n; i++) {
    const row = at + ((i * (i + 1)) >> 1)
    const fi = (features[i] ?? 0) * weight
    for (let j = 0; j <= i; j++) matrix[row + j] = (matrix[row + j] ?? 0) + fi * (features[j] ?? 0)
  }
}

/** values[from..from+count) *= by. */
function scaleRange(values: Float32Array, from: number, count: number, by: number): void {
  for (let i = from; i < from + count; i++) values[i] = (values[i] ?? 0) * by
}

/** Σ statistics[at + i] · work[i] over n entries. */
function dotStatistics(statistics: Float32Array, at: number, work: Float64Array, n: number): number {
  let total = 0
  for (let i = 0; i < n; i++) total += (statistics[at + i] ?? 0) * (work[i] ?? 0)
  return total
}
