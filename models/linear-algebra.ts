/**
 * Dense linear algebra for the few-parameter regressions of the trend models. Matrices are
 * row-major Float64Arrays of size n*n; n is at most about 8, so plain loops beat anything
 * clever and allocate nothing per reading.
 */

/**
 * Cholesky factor (lower triangle, in place into `out`) of a symmetric positive definite
 * matrix. Returns false when the matrix is not numerically positive definite.
 */
export function choleskyInto(matrix: Float64Array, n: number, out: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j] ?? 0
      for (let k = 0; k < j; k++) sum -= (out[i * n + k] ?? 0) * (out[j * n + k] ?? 0)
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return false
        out[i * n + i] = Math.sqrt(sum)
      } else {
        out[i * n + j] = sum / (out[j * n + j] ?? 1)
      }
    }
  }
  return true
}

/** Solves L Lᵀ x = rhs for x, given the Cholesky factor L; writes x into `out`. */
export function choleskySolveInto(
  factor: Float64Array, n: number, rhs: Float64Array, out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    let sum = rhs[i] ?? 0
    for (let k = 0; k < i; k++) sum -= (factor[i * n + k] ?? 0) * (out[k] ?? 0)
    out[i] = sum / (factor[i * n + i] ?? 1)
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = out[i] ?? 0
    for (let k = i + 1; k < n; k++) sum -= (factor[k * n + i] ?? 0) * (out[k] ?? 0)
    out[i] = sum / (factor[i * n + i] ?? 1)
  }
}

/** xᵀ M y for a square matrix M. */
export function bilinear(x: Float64Array, matrix: Float64Array, y: Float64Array, n: number): number {
  let total = 0
  for (let i = 0; i < n; i++) {
    let row = 0
    for (let j = 0; j < n; j++) row += (matrix[i * n + j] ?? 0) * (y[j] ?? 0)
    total += (x[i] ?? 0) * row
  }
  return total
}

/** M += w · f fᵀ (symmetric rank-one update). */
export function addOuter(matrix: Float64Array, features: Float64Array, weight: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const fi = (features[i] ?? 0) * weight
    for (let j = 0; j < n; j++) {
      matrix[i * n + j] = (matrix[i * n + j] ?? 0) + fi * (features[j] ?? 0)
    }
  }
}

/**
 * Applies the feature change f'_i = f_i + c · f_j to a Gram matrix (M' = A M Aᵀ with
 * A = I + c e_i e_jᵀ): row i += c · row j, then column i += c · column j.
 */
export function shearInPlace(matrix: Float64Array, n: number, i: number, j: number, c: number): void {
  for (let k = 0; k < n; k++) {
    matrix[i * n + k] = (matrix[i * n + k] ?? 0) + c * (matrix[j * n + k] ?? 0)
  }
  for (let k = 0; k < n; k++) {
    matrix[k * n + i] = (matrix[k * n + i] ?? 0) + c * (matrix[k * n + j] ?? 0)
  }
}

/** Applies the feature change f'_i = c · f_i to a Gram matrix: row i and column i times c. */
export function scaleInPlace(matrix: Float64Array, n: number, i: number, c: number): void {
  for (let k = 0; k < n; k++) matrix[i * n + k] = (matrix[i * n + k] ?? 0) * c
  for (let k = 0; k < n; k++) matrix[k * n + i] = (matrix[k * n + i] ?? 0) * c
}
