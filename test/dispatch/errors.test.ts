import { describe, expect, it } from 'vitest'
import { DISPATCH_ERROR_CODES } from '../../dispatch/index.js'
import {
  DispatchNotStartedError, DispatchStoreError, InvalidBodyError, NoticeSendError,
  PlaybooksInvalidError, SlotUnavailableError, TechnicianNotFoundError, TechnicianUnqualifiedError,
  TransitionNotAllowedError, UnknownAssetError, UnknownReferenceError, WorkOrderNotFoundError,
  CustomerNotFoundError, PreferencesInvalidError,
} from '../../dispatch/errors.js'

describe('dispatch errors', () => {
  it('declares each code once, with the HTTP status where HTTP can surface it', () => {
    const errors = [
      new WorkOrderNotFoundError('wo-1'),
      new UnknownAssetError('pump-9', 'unknown'),
      new DispatchNotStartedError('handleSignal'),
      new DispatchStoreError('cannot open'),
      new NoticeSendError('ntc-1', new Error('ECONNREFUSED')),
      new PlaybooksInvalidError('bad', { source: 'f', problems: ['p'] }),
      new InvalidBodyError('by', 'Required'),
      new TransitionNotAllowedError({ workOrderId: 'wo-1', action: 'start', from: 'completed', allowedFrom: ['scheduled'] }),
      new TechnicianNotFoundError('tech-x'),
      new UnknownReferenceError('to', 'planner-x'),
      new TechnicianUnqualifiedError('tech-x', 'lacks the skill pump-mechanic'),
      new SlotUnavailableError('tech-x', 'it overlaps work order wo-2'),
      new CustomerNotFoundError('cust-x'),
      new PreferencesInvalidError('channels.webhook', 'the customer has no webhook in the fleet file'),
    ]

    expect(errors.map((e) => [e.code, e.statusCode])).toEqual([
      ['FW_ERR_DSP_WORK_ORDER_NOT_FOUND', 404],
      ['FW_ERR_DSP_UNKNOWN_ASSET', undefined],
      ['FW_ERR_DSP_NOT_STARTED', 503],
      ['FW_ERR_DSP_STORE_FAILED', undefined],
      ['FW_ERR_DSP_NOTICE_SEND_FAILED', undefined],
      ['FW_ERR_DSP_PLAYBOOKS_INVALID', undefined],
      ['FW_ERR_DSP_BODY_INVALID', 400],
      ['FW_ERR_DSP_TRANSITION_NOT_ALLOWED', 409],
      ['FW_ERR_DSP_TECHNICIAN_NOT_FOUND', 404],
      ['FW_ERR_DSP_REFERENCE_UNKNOWN', 422],
      ['FW_ERR_DSP_TECHNICIAN_UNQUALIFIED', 422],
      ['FW_ERR_DSP_SLOT_UNAVAILABLE', 409],
      ['FW_ERR_DSP_CUSTOMER_NOT_FOUND', 404],
      ['FW_ERR_DSP_PREFERENCES_INVALID', 422],
    ])
    expect(errors.map((e) => e.code)).toEqual([...DISPATCH_ERROR_CODES])
    expect(new Set(DISPATCH_ERROR_CODES).size).toBe(DISPATCH_ERROR_CODES.length)
  })

  it('names the work order, the action and where it is allowed from in a refused transition', () => {
    const error = new TransitionNotAllowedError({
      workOrderId: 'wo-1', action: 'start', from: 'completed', allowedFrom: ['scheduled', 'dispatched'],
    })

    expect(error).toMatchObject({
      message: 'work order wo-1 is completed; start is allowed only from scheduled, dispatched',
      details: { workOrderId: 'wo-1', action: 'start', from: 'completed', allowedFrom: ['scheduled', 'dispatched'] },
    })
  })
})
