import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client'
import {
  QueryFailedError, StoreUnavailableError, WriteFailedError, WriteRejectedError,
  type WriteFailureReason,
} from './errors.js'

/** Socket-level failures: the server is not there (yet), so the write is worth retrying. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'ETIMEDOUT',
])

/**
 * Statuses that mean "these points are bad": 400 (unparsable line, field type conflict,
 * partial write), 413 (body over max-body-size), 422 (2.x/3.x: outside retention). Retrying
 * the same bytes gets the same answer. 401/403/404 are configuration faults an operator can
 * fix (token, database), so those batches are kept and retried instead of being thrown away.
 */
const REJECTED_STATUSES = new Set([400, 413, 422])

/**
 * Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3). The client library's
 * HttpError.retryAfter() reads the number as milliseconds, so it is parsed here instead.
 */
export function parseRetryAfter(
  header: string | string[] | undefined, now = Date.now(),
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  if (value === undefined || value === '') return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000

  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/** InfluxDB's own explanation: `{"error": …}` on 1.x, `{"message": …}` on 2.x/3.x. */
export function influxReason(err: HttpError): string {
  const json: unknown = err.json ?? safeJson(err.body)
  if (typeof json === 'object' && json !== null) {
    const record = json as Record<string, unknown>
    if (typeof record.error === 'string') return record.error
    if (typeof record.message === 'string') return record.message
  }
  const header = err.headers?.['x-influxdb-error']
  if (typeof header === 'string') return header
  return err.body !== undefined && err.body !== '' ? err.body : err.message
}

function safeJson(body: string | undefined): unknown {
  if (body === undefined || body === '') return undefined
  try {
    return JSON.parse(body)
  } catch {
    // Not JSON (a proxy's HTML page, plain text): the caller falls back to the raw body.
    return undefined
  }
}

function statusReason(status: number): WriteFailureReason {
  if (status === 429) return 'throttled'
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 404) return 'not_found'
  if (status >= 500) return 'server_error'
  return 'unknown'
}

function errorCode(err: unknown): string | undefined {
  const code: unknown = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Maps whatever the transport threw on /write to the error the pipeline branches on. */
export function toWriteError(err: unknown, points: number): Error {
  if (err instanceof HttpError) return httpWriteError(err, points)
  if (err instanceof RequestTimedOutError) {
    const details = { failure: 'timeout' as const, points }
    const message = 'InfluxDB did not answer the write in time'
    return new WriteFailedError(message, details, { cause: err })
  }
  const code = errorCode(err)
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    const details = { code, points }
    return new StoreUnavailableError(`InfluxDB is unreachable (${code})`, { cause: err, details })
  }
  const message = err instanceof Error ? err.message : String(err)
  const details = { failure: 'unknown' as const, points }
  return new WriteFailedError(`InfluxDB write failed: ${message}`, details, { cause: err })
}

function httpWriteError(err: HttpError, points: number): Error {
  const reason = influxReason(err)
  const details = { points, status: err.statusCode, reason }
  if (REJECTED_STATUSES.has(err.statusCode)) {
    const rejected = { ...details, failure: 'rejected' as const }
    const message = `InfluxDB rejected the points: ${reason}`
    return new WriteRejectedError(message, rejected, { cause: err })
  }
  const retryAfterMs = parseRetryAfter(err.headers?.['retry-after'])
  const failure = statusReason(err.statusCode)
  return new WriteFailedError(`InfluxDB write failed with HTTP ${err.statusCode}: ${reason}`, {
    ...details, failure, ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  }, { cause: err })
}

/** Maps a /query failure: unreachable is STORE_UNAVAILABLE, anything else QUERY_FAILED. */
export function toQueryError(err: unknown, statement: string): Error {
  if (err instanceof HttpError) {
    const reason = influxReason(err)
    return new QueryFailedError(`InfluxDB query failed with HTTP ${err.statusCode}: ${reason}`, {
      cause: err, details: { statement, status: err.statusCode, reason },
    })
  }
  const code = errorCode(err)
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    const details = { code, statement }
    return new StoreUnavailableError(`InfluxDB is unreachable (${code})`, { cause: err, details })
  }
  const message = err instanceof Error ? err.message : String(err)
  const details = { statement }
  return new QueryFailedError(`InfluxDB query failed: ${message}`, { cause: err, details })
}
