import { describe, expect, it } from 'vitest'
import { isForewarnError } from '../../core/index.js'
import {
  INGEST_ERROR_CODES, NotRunningError, QueryFailedError, QueryInvalidError, ReadingInvalidError,
  SpoolFailedError, SpoolLockedError, StoreUnavailableError, WriteFailedError, WriteRejectedError,
} from '../../ingest/index.js'

describe('ingest errors', () => {
  it('declares each code once, in the FW_ERR_ING_ area', () => {
    expect(new Set(INGEST_ERROR_CODES).size).toBe(INGEST_ERROR_CODES.length)
    expect(INGEST_ERROR_CODES.every((code) => /^FW_ERR_ING_[A-Z_]+$/.test(code))).toBe(true)
  })

  it('gives every class its code and HTTP status', () => {
    const errors = [
      new WriteFailedError('m', { failure: 'unknown', points: 1 }),
      new WriteRejectedError('m', { failure: 'rejected', points: 1 }),
      new StoreUnavailableError('m'),
      new QueryFailedError('m'),
      new QueryInvalidError('m'),
      new ReadingInvalidError('m'),
      new NotRunningError('m'),
      new SpoolLockedError('m'),
      new SpoolFailedError('m'),
    ]

    expect(errors.map((e) => [e.code, e.statusCode])).toEqual([
      ['FW_ERR_ING_WRITE_FAILED', 503],
      ['FW_ERR_ING_WRITE_REJECTED', 502],
      ['FW_ERR_ING_STORE_UNAVAILABLE', 503],
      ['FW_ERR_ING_QUERY_FAILED', 502],
      ['FW_ERR_ING_QUERY_INVALID', 400],
      ['FW_ERR_ING_READING_INVALID', 400],
      ['FW_ERR_ING_NOT_RUNNING', 503],
      ['FW_ERR_ING_SPOOL_LOCKED', 503],
      ['FW_ERR_ING_SPOOL_FAILED', 503],
    ])
    expect(errors.map((e) => e.code).sort()).toEqual([...INGEST_ERROR_CODES].sort())
    expect(errors.every(isForewarnError)).toBe(true)
  })
})
