import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client'
import {
  QueryFailedError, StoreUnavailableError, WriteFailedError, WriteRejectedError,
  type RefusedLine, type WriteFailureReason,
} from './errors.js'

/** Socket-level failures: the server is not there (yet), so the write is worth retrying. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'ETIMEDOUT',
  // Node's fetch (undici): the peer closed the socket, or connecting timed out.
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
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

/**
 * InfluxDB's own explanation: `{"error": …}` on 1.x and 3.x, `{"code": …, "message": …}` on 2.x
 * (and on 3.x's v2 endpoints). When 3.x names refused lines, the first one's error is added.
 */
export function influxReason(err: HttpError): string {
  const json = errorJson(err)
  if (json !== undefined) {
    const first = refusedLines(err)?.[0]
    const detail = first === undefined ? '' : `: line ${first.line}: ${first.reason}`
    if (typeof json.error === 'string') return `${json.error}${detail}`
    if (typeof json.message === 'string') return json.message
  }
  const header = err.headers?.['x-influxdb-error']
  if (typeof header === 'string') return header
  return err.body !== undefined && err.body !== '' ? err.body : err.message
}

function errorJson(err: HttpError): Record<string, unknown> | undefined {
  // 3.x sends its JSON error bodies without a JSON content type, so the client leaves json unset.
  const json: unknown = err.json ?? safeJson(err.body)
  return typeof json === 'object' && json !== null ? json as Record<string, unknown> : undefined
}

/**
 * The lines a refusal names, or undefined when it names none (1.x and 2.x OSS never do):
 * - 3.x Core/Enterprise: `{"error": "partial write of line protocol occurred", "data":
 *   [{"original_line", "line_number", "error_message"}, …]}` (up to 100 lines), or with
 *   accept_partial=false `{"error": …, "data": {one such object}}`;
 * - 3.x Cloud (IOx) and InfluxDB Cloud: `{"code": "invalid", "line": N, "message": …}`, N the
 *   first refused line, message one line of text per refused line.
 */
export function refusedLines(err: HttpError): RefusedLine[] | undefined {
  const json = errorJson(err)
  if (json === undefined) return undefined
  const data = Array.isArray(json.data) ? json.data as unknown[] : [json.data]
  const named = data.flatMap((item) => {
    const record = typeof item === 'object' && item !== null ? item as Record<string, unknown> : {}
    const line = record.line_number
    const reason = record.error_message
    return isLineNumber(line) && typeof reason === 'string' ? [{ line, reason }] : []
  })
  if (named.length > 0) return named
  if (isLineNumber(json.line) && typeof json.message === 'string') {
    return [{ line: json.line, reason: json.message.split('\n')[0] ?? json.message }]
  }
  return undefined
}

function isLineNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1
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

/**
 * A refusal of the data: a refusal status, or any answer that says a partial write happened
 * (3.x's /api/v2/write reports one as HTTP 500; retrying it could never succeed).
 */
function isRefusal(status: number, reason: string): boolean {
  return REJECTED_STATUSES.has(status) || /partial write/i.test(reason)
}

function httpWriteError(err: HttpError, points: number): Error {
  const reason = influxReason(err)
  const details = { points, status: err.statusCode, reason }
  if (isRefusal(err.statusCode, reason)) {
    const lines = refusedLines(err)
    const rejected = { ...details, failure: 'rejected' as const, ...(lines === undefined ? {} : { lines }) }
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
