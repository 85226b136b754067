import { describe, expect, it } from 'vitest'
import { ForewarnError } from '../../core/index.js'
import {
  DEFAULT_BACKOFF, backoffDelay, classifyFailure, retryDelay, type WriteFailure,
} from '../../ingest/backoff.js'
import { StoreUnavailableError, WriteFailedError, WriteRejectedError } from '../../ingest/index.js'

const retried = (reason: WriteFailure['reason'], retryAfterMs?: number): WriteFailure =>
  ({ reason, isRetryable: true, retryAfterMs })

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to maxMs', () => {
    const attempts = [1, 2, 3, 4, 5, 6, 7, 8]

    const ceilings = attempts.map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 1))

    expect(ceilings).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000])
  })

  it('keeps half of the ceiling fixed and jitters the other half', () => {
    const low = backoffDelay(4, DEFAULT_BACKOFF, () => 0)
    const middle = backoffDelay(4, DEFAULT_BACKOFF, () => 0.5)

    expect([low, middle]).toEqual([400, 600])
  })
})

describe('classifyFailure', () => {
  it('gives up only on rejected data', () => {
    const rejected = new WriteRejectedError('bad', { failure: 'rejected', points: 1 })

    expect(classifyFailure(rejected)).toEqual({ ...retried('rejected'), isRetryable: false })
    expect(classifyFailure(new StoreUnavailableError('down'))).toEqual(retried('unavailable'))
  })

  it('keeps the reason and Retry-After of a failed write', () => {
    const details = { failure: 'throttled' as const, points: 1, retryAfterMs: 2_000 }

    const throttled = new WriteFailedError('slow down', details)

    expect(classifyFailure(throttled)).toEqual(retried('throttled', 2_000))
  })

  it('retries errors it does not know under the reason "unknown"', () => {
    const details = { failure: 'made-up' }
    const foreign = new ForewarnError('FW_ERR_GW_OTHER', 'not ours', { details })

    expect(classifyFailure(new Error('bug'))).toEqual(retried('unknown'))
    expect(classifyFailure(foreign)).toEqual(retried('unknown'))
  })
})

describe('retryDelay', () => {
  it('honours Retry-After up to maxRetryAfterMs instead of backing off', () => {
    expect(retryDelay(retried('throttled', 7_000), 1, DEFAULT_BACKOFF, () => 1)).toBe(7_000)
    expect(retryDelay(retried('throttled', 600_000), 1, DEFAULT_BACKOFF, () => 1)).toBe(60_000)
    expect(retryDelay(retried('server_error'), 3, DEFAULT_BACKOFF, () => 1)).toBe(400)
  })
})
