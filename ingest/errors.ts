import { ForewarnError, type ForewarnErrorOptions } from '../core/index.js'

/** Every code the ingest capability throws, for the catalogue test and docs/errors.md. */
export const INGEST_ERROR_CODES = [
  'FW_ERR_ING_WRITE_FAILED',
  'FW_ERR_ING_WRITE_REJECTED',
  'FW_ERR_ING_STORE_UNAVAILABLE',
  'FW_ERR_ING_QUERY_FAILED',
  'FW_ERR_ING_QUERY_INVALID',
  'FW_ERR_ING_READING_INVALID',
  'FW_ERR_ING_NOT_RUNNING',
  'FW_ERR_ING_SPOOL_LOCKED',
  'FW_ERR_ING_SPOOL_FAILED',
] as const

export type IngestErrorCode = typeof INGEST_ERROR_CODES[number]

/**
 * Why a write failed, as a bounded set: it becomes the `reason` label of
 * forewarn_ingest_write_failures_total, so free text would explode the series count.
 */
export type WriteFailureReason
  = | 'unavailable' | 'timeout' | 'throttled' | 'server_error' | 'unauthorized' | 'not_found'
    | 'rejected' | 'unknown'

export const WRITE_FAILURE_REASONS: readonly WriteFailureReason[] = [
  'unavailable', 'timeout', 'throttled', 'server_error', 'unauthorized', 'not_found', 'rejected',
  'unknown',
]

/** A line of a refused body that the store named, 1-based, with its reason. */
export interface RefusedLine {
  line: number
  reason: string
}

/** What a store attaches to a failed write so the pipeline can decide how to retry. */
export interface WriteFailureDetails extends Record<string, unknown> {
  failure: WriteFailureReason
  points: number
  /** HTTP status, when the store speaks HTTP. */
  status?: number
  /** The store's own words (InfluxDB's `error` body), for the log. */
  reason?: string
  /** Server-requested pause (Retry-After), already converted to milliseconds. */
  retryAfterMs?: number
  /** On a refusal: the lines the store named (InfluxDB 3.x), so no halving is needed. */
  lines?: RefusedLine[]
}

/** A write failed for a reason that may pass (5xx, 429, timeout, auth); the batch is retried. */
export class WriteFailedError extends ForewarnError {
  constructor(message: string, details: WriteFailureDetails, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_WRITE_FAILED', message, { statusCode: 503, ...options, details })
  }
}

/** The store refused the points themselves (HTTP 400 class); retrying them cannot help. */
export class WriteRejectedError extends ForewarnError {
  constructor(message: string, details: WriteFailureDetails, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_WRITE_REJECTED', message, { statusCode: 502, ...options, details })
  }
}

/** The store could not be reached at all (connection refused, reset, not opened). */
export class StoreUnavailableError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_STORE_UNAVAILABLE', message, { statusCode: 503, ...options })
  }
}

/** The store answered a query with an error, or with a body that could not be read. */
export class QueryFailedError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_QUERY_FAILED', message, { statusCode: 502, ...options })
  }
}

/** A RangeQuery or CountQuery names a field with an unusable value. */
export class QueryInvalidError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_QUERY_INVALID', message, { statusCode: 400, ...options })
  }
}

/** accept() was given a reading that cannot be stored faithfully; none of the call was queued. */
export class ReadingInvalidError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_READING_INVALID', message, { statusCode: 400, ...options })
  }
}

/** accept() was called before start() or after stop(); the readings were not taken. */
export class NotRunningError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_NOT_RUNNING', message, { statusCode: 503, ...options })
  }
}

/** Another live process holds the spool directory's lock; two writers would corrupt it. */
export class SpoolLockedError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_SPOOL_LOCKED', message, { statusCode: 503, ...options })
  }
}

/**
 * The spool could not be opened, written or synced (disk full, permissions, I/O error). From
 * accept() it means the readings were not made durable and must not be acknowledged.
 */
export class SpoolFailedError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_ING_SPOOL_FAILED', message, { statusCode: 503, ...options })
  }
}
