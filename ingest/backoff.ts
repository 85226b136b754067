import { isForewarnError } from '../core/index.js'
import { WRITE_FAILURE_REASONS, type WriteFailureReason } from './errors.js'

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  initialMs: number
  /** Ceiling no delay grows beyond. */
  maxMs: number
  factor: number
  /** A server's Retry-After is honoured up to this long. */
  maxRetryAfterMs: number
}

/**
 * A short ceiling (5 s): during an outage one small request every few seconds is negligible
 * load, and data flows again within seconds of the store coming back.
 */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 100, maxMs: 5_000, factor: 2, maxRetryAfterMs: 60_000,
}

/**
 * "Equal jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015): half the
 * exponential ceiling is fixed and half random, so instances that failed together spread out
 * but none retries in a tight loop.
 */
export function backoffDelay(
  attempt: number, options: BackoffOptions, random: () => number = Math.random,
): number {
  const growth = options.factor ** Math.max(0, attempt - 1)
  const ceiling = Math.min(options.maxMs, options.initialMs * growth)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export interface WriteFailure {
  reason: WriteFailureReason
  isRetryable: boolean
  retryAfterMs: number | undefined
}

/**
 * How the pipeline treats a failed store.write(), by error code: only REJECTED is final.
 * Errors that are not ForewarnErrors (a store bug, an unexpected throw) are retried, because
 * dropping accepted readings on an unknown error is worse than retrying it.
 */
export function classifyFailure(err: unknown): WriteFailure {
  if (!isForewarnError(err)) return retryable('unknown')
  if (err.code === 'FW_ERR_ING_WRITE_REJECTED') {
    return { reason: 'rejected', isRetryable: false, retryAfterMs: undefined }
  }
  if (err.code === 'FW_ERR_ING_STORE_UNAVAILABLE') return retryable('unavailable')

  const failure = err.details?.failure
  const reason = WRITE_FAILURE_REASONS.find((known) => known === failure) ?? 'unknown'
  const retryAfter = err.details?.retryAfterMs
  const retryAfterMs = typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : undefined
  return { ...retryable(reason === 'rejected' ? 'unknown' : reason), retryAfterMs }
}

function retryable(reason: WriteFailureReason): WriteFailure {
  return { reason, isRetryable: true, retryAfterMs: undefined }
}

/** The pause before the next attempt: the server's Retry-After when it gave one, else backoff. */
export function retryDelay(
  failure: WriteFailure,
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { retryAfterMs } = failure
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs)
  return backoffDelay(attempt, options, random)
}
