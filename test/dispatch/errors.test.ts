import { describe, expect, it } from 'vitest'
import { DISPATCH_ERROR_CODES } from '../../dispatch/index.js'
import {
  DispatchNotStartedError, DispatchStoreError, InvalidQueryError, NoticeSendError, UnknownAssetError,
  WorkOrderNotFoundError,
} from '../../dispatch/errors.js'

describe('dispatch errors', () => {
  it('declares each code once, with the HTTP status where HTTP can surface it', () => {
    const errors = [
      new WorkOrderNotFoundError('wo-1'),
      new InvalidQueryError('limit', 'too big'),
      new UnknownAssetError('pump-9', 'unknown'),
      new DispatchNotStartedError('handleSignal'),
      new DispatchStoreError('cannot open'),
      new NoticeSendError('ntc-1', new Error('ECONNREFUSED')),
    ]

    expect(errors.map((e) => [e.code, e.statusCode])).toEqual([
      ['FW_ERR_DSP_WORK_ORDER_NOT_FOUND', 404],
      ['FW_ERR_DSP_QUERY_INVALID', 400],
      ['FW_ERR_DSP_UNKNOWN_ASSET', undefined],
      ['FW_ERR_DSP_NOT_STARTED', 503],
      ['FW_ERR_DSP_STORE_FAILED', undefined],
      ['FW_ERR_DSP_NOTICE_SEND_FAILED', undefined],
    ])
    expect(errors.map((e) => e.code)).toEqual([...DISPATCH_ERROR_CODES])
    expect(new Set(DISPATCH_ERROR_CODES).size).toBe(DISPATCH_ERROR_CODES.length)
  })

  it('names the field and the value problem in a query error', () => {
    expect(new InvalidQueryError('limit', 'Too big: expected number to be <=200')).toMatchObject({
      message: 'query parameter limit: Too big: expected number to be <=200', details: { field: 'limit' },
    })
  })
})
