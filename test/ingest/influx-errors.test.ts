import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client'
import { describe, expect, it } from 'vitest'
import { parseRetryAfter, toQueryError, toWriteError } from '../../ingest/influx-errors.js'
import { flavourOfVersion } from '../../ingest/influx-flavour.js'

/** The library's own HttpError, as its Node transport builds it from a response. */
function httpError(status: number, body: string, headers: Record<string, string> = {}): HttpError {
  const retryAfter = headers['retry-after']
  return new HttpError(status, 'status', body, retryAfter, 'application/json', undefined, headers)
}

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates as milliseconds', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')

    expect(parseRetryAfter('3', now)).toBe(3_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter(['1'], now)).toBe(1_000)
  })

  it('ignores absent or unreadable values', () => {
    const parsed = [undefined, '', 'soon'].map((value) => parseRetryAfter(value))

    expect(parsed).toEqual([undefined, undefined, undefined])
  })
})

describe('toWriteError', () => {
  it('maps HTTP 400 to FW_ERR_ING_WRITE_REJECTED with InfluxDB 1.x\'s error text', () => {
    const reason = 'partial write: unable to parse dropped=1'

    const err = toWriteError(httpError(400, JSON.stringify({ error: reason })), 5)

    expect(err).toMatchObject({
      code: 'FW_ERR_ING_WRITE_REJECTED',
      details: { failure: 'rejected', points: 5, status: 400, reason },
    })
  })

  it('maps HTTP 429 to a retryable throttled failure with Retry-After in milliseconds', () => {
    const body = JSON.stringify({ message: 'too many requests' })

    const err = toWriteError(httpError(429, body, { 'retry-after': '2' }), 1)

    expect(err).toMatchObject({
      code: 'FW_ERR_ING_WRITE_FAILED',
      details: {
        failure: 'throttled', status: 429, reason: 'too many requests', retryAfterMs: 2_000,
      },
    })
  })

  it('maps 5xx, 401 and timeouts to retryable failures with a bounded reason', () => {
    const causes = [
      httpError(503, ''),
      httpError(401, '{"error":"authorization failed"}'),
      new RequestTimedOutError(),
    ]

    const errors = causes.map((cause) => toWriteError(cause, 1))

    expect(errors).toMatchObject([
      { code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'server_error', status: 503 } },
      { code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'unauthorized', status: 401 } },
      { code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'timeout' } },
    ])
  })

  it('maps a refused connection to FW_ERR_ING_STORE_UNAVAILABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8086'), {
      code: 'ECONNREFUSED',
    })

    expect(toWriteError(refused, 1)).toMatchObject({
      code: 'FW_ERR_ING_STORE_UNAVAILABLE', details: { code: 'ECONNREFUSED' },
    })
  })
})

describe('refused lines and partial writes of InfluxDB 2.x and 3.x', () => {
  it('reads the lines 3.x Core names, and the first line InfluxDB Cloud names', () => {
    const core = JSON.stringify({
      error: 'partial write of line protocol occurred',
      data: [{ original_line: 'm v= 1', line_number: 2, error_message: 'No fields were provided' }],
    })
    const cloud = JSON.stringify({ code: 'invalid', line: 3, message: 'bad timestamp\nbad field' })

    const errors = [toWriteError(httpError(400, core), 4), toWriteError(httpError(400, cloud), 4)]

    expect(errors).toMatchObject([
      {
        code: 'FW_ERR_ING_WRITE_REJECTED',
        details: {
          reason: 'partial write of line protocol occurred: line 2: No fields were provided',
          lines: [{ line: 2, reason: 'No fields were provided' }],
        },
      },
      { code: 'FW_ERR_ING_WRITE_REJECTED', details: { lines: [{ line: 3, reason: 'bad timestamp' }] } },
    ])
  })

  it('treats a 500 that reports a partial write (3.x /api/v2/write) as a refusal, not an outage', () => {
    const body = JSON.stringify({ code: 'internal error', message: 'partial write of line protocol occurred' })

    expect(toWriteError(httpError(500, body), 2)).toMatchObject({
      code: 'FW_ERR_ING_WRITE_REJECTED', details: { failure: 'rejected', status: 500 },
    })
  })
})

describe('flavourOfVersion', () => {
  it('reads the generation from 1.x, 2.x and 3.x version strings', () => {
    const versions = ['1.6.7', 'v2.7.11', '3.3.0', '', 'unknown', undefined]

    expect(versions.map(flavourOfVersion)).toEqual(['1', '2', '3', undefined, undefined, undefined])
  })
})

describe('toQueryError', () => {
  it('maps an HTTP error to FW_ERR_ING_QUERY_FAILED with the statement', () => {
    const err = toQueryError(httpError(400, '{"error":"error parsing query"}'), 'SELECT nonsense')

    expect(err).toMatchObject({
      code: 'FW_ERR_ING_QUERY_FAILED',
      details: { statement: 'SELECT nonsense', status: 400, reason: 'error parsing query' },
    })
  })
})
