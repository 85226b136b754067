import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatchApp } from '../helpers/api-app.js'
import type { ApiApp } from '../../api/index.js'
import type { Dispatch, WorkOrderView } from '../../dispatch/index.js'
import { HOUR_MS, MONDAY_0600_BERLIN, makeDispatch, makeSignal, manualClock, tempDir } from './fixtures.js'

describe('work-order lifecycle commands over HTTP', () => {
  let tmp: ReturnType<typeof tempDir>
  let dispatch: Dispatch
  let app: ApiApp
  let workOrder: WorkOrderView

  beforeEach(async () => {
    tmp = tempDir()
    // A wall clock that stands still: the data clock stays at the signal's detection time.
    dispatch = makeDispatch({ dataDir: tmp.dir, clock: manualClock() }).dispatch
    await dispatch.start()
    workOrder = dispatch.handleSignal(makeSignal()) ?? expect.fail('no work order')
    app = await dispatchApp(dispatch)
  })

  afterEach(async () => {
    await app.close()
    await dispatch.stop()
    tmp.remove()
  })

  const post = async (action: string, body: unknown, id = workOrder.id) => {
    const response = await app.inject({ method: 'POST', url: `/api/work-orders/${id}/${action}`, payload: body as object })
    return { status: response.statusCode, body: response.json() as Record<string, unknown> }
  }

  it('takes a work order through dispatch, start and completion, recording who, when and why', async () => {
    await post('dispatch', { by: 'tech-mira' })
    await post('start', { by: 'tech-mira', reason: 'on site, pump isolated' })
    const { status, body } = await post('complete', {
      by: 'tech-mira', outcome: 'fault_confirmed', part: 'drive-end bearing 6309', note: 'outer race pitted',
    })

    expect(status).toBe(200)
    expect(body).toMatchObject({
      status: 'completed', outcome: 'fault_confirmed', statusSince: MONDAY_0600_BERLIN,
      completion: { outcome: 'fault_confirmed', part: 'drive-end bearing 6309', note: 'outer race pitted', at: MONDAY_0600_BERLIN },
      closure: { state: 'watching', until: MONDAY_0600_BERLIN + 72 * HOUR_MS, metrics: ['vibration_rms'] },
    })
    expect((body.history as WorkOrderView['history']).slice(2)).toEqual([
      { at: MONDAY_0600_BERLIN, by: 'tech-mira', action: 'dispatched', reason: 'dispatched by tech-mira' },
      { at: MONDAY_0600_BERLIN, by: 'tech-mira', action: 'started', reason: 'on site, pump isolated' },
      { at: MONDAY_0600_BERLIN, by: 'tech-mira', action: 'completed', reason: 'fault confirmed, part drive-end bearing 6309: outer race pitted' },
      { at: MONDAY_0600_BERLIN, by: 'forewarn-telemetry', action: 'closure_watch_started', reason: expect.stringMatching(/vibration_rms < 7.9/) },
    ])
    expect(dispatch.listNotices({ workOrderId: workOrder.id }).map((n) => n.template))
      .toEqual(['visit-scheduled', 'technician-on-the-way', 'work-order-completed'])
  })

  it('refuses a transition the lifecycle does not allow, naming the status and where it is allowed from', async () => {
    await post('cancel', { by: 'planner-ana', reason: 'customer replaced the pump' })
    const { status, body } = await post('start', { by: 'tech-mira' })

    expect(status).toBe(409)
    expect(body).toMatchObject({
      code: 'FW_ERR_DSP_TRANSITION_NOT_ALLOWED',
      detail: `work order ${workOrder.id} is cancelled; start is allowed only from scheduled, dispatched`,
      details: { workOrderId: workOrder.id, action: 'start', from: 'cancelled', allowedFrom: ['scheduled', 'dispatched'] },
    })
  })

  it.each([
    ['dispatch', { by: '' }, 'body.by'],
    ['dispatch', { by: 'x', colour: 'red' }, 'body.colour'],
    ['cancel', { by: 'planner-ana' }, 'body.reason'],
    ['complete', { by: 'tech-mira', outcome: 'fixed' }, 'body.outcome'],
    ['reschedule', { by: 'planner-ana', reason: 'r', start: '2026-03-03 10:00' }, 'body.start'],
  ])('answers 400 naming the field for %s %j', async (action, body, field) => {
    const { status, body: answer } = await post(action, body)

    expect(status).toBe(400)
    expect(answer).toMatchObject({ code: 'FW_ERR_HTTP_VALIDATION', errors: [expect.objectContaining({ field })] })
  })

  it('answers 400 naming the field when a rule of the lifecycle refuses a value', async () => {
    const { status, body } = await post('handover', { by: 'planner-ana', reason: 'r', to: 'planner-ana' })

    expect(status).toBe(400)
    expect(body).toMatchObject({ code: 'FW_ERR_DSP_BODY_INVALID', details: { field: 'to' }, errors: [{ field: 'to' }] })
  })

  it('requires the part when a fault is confirmed', async () => {
    await post('start', { by: 'tech-mira' })
    const { status, body } = await post('complete', { by: 'tech-mira', outcome: 'fault_confirmed' })

    expect([status, body.details]).toEqual([400, { field: 'part' }])
  })

  it('answers 404 for an unknown work order', async () => {
    const { status, body } = await post('dispatch', { by: 'tech-mira' }, 'wo-missing')

    expect([status, body.code]).toEqual([404, 'FW_ERR_DSP_WORK_ORDER_NOT_FOUND'])
  })

  it('moves the visit to a time a planner picks, and refuses one outside working hours or taken', async () => {
    const tuesday0900Berlin = Date.UTC(2026, 2, 3, 8)
    const moved = await post('reschedule', { by: 'planner-ana', reason: 'customer asked for Tuesday', start: '2026-03-03T09:00:00+01:00' })
    const night = await post('reschedule', { by: 'planner-ana', reason: 'r', start: Date.UTC(2026, 2, 3, 22) })
    const other = dispatch.handleSignal(makeSignal({ id: 'sig-seal', failureMode: 'seal_leak' }))
    const taken = await post('reschedule', {
      by: 'planner-ana', reason: 'r', start: other?.visit?.start, technicianId: other?.technicianId,
    })

    expect(moved.body).toMatchObject({
      visit: { start: tuesday0900Berlin, end: tuesday0900Berlin + 2 * HOUR_MS }, visitSequence: 2,
    })
    expect(night.body).toMatchObject({ code: 'FW_ERR_DSP_SLOT_UNAVAILABLE', details: { reason: 'the visit is outside their working hours (Europe/Berlin)' } })
    expect(taken).toMatchObject({ status: 409, body: { details: { reason: `it overlaps work order ${other?.id}` } } })
  })

  it('assigns another qualified technician and refuses an unknown or unqualified one', async () => {
    const assigned = await post('assign', { by: 'planner-ana', technicianId: 'tech-jonas' })
    const unknown = await post('assign', { by: 'planner-ana', technicianId: 'tech-nobody' })
    const elsewhere = await post('assign', { by: 'planner-ana', technicianId: 'tech-south' })

    expect(assigned.body).toMatchObject({ technicianId: 'tech-jonas', visit: { start: Date.UTC(2026, 2, 2, 8) } })
    expect(unknown).toMatchObject({ status: 422, body: { code: 'FW_ERR_DSP_REFERENCE_UNKNOWN', details: { field: 'technicianId' } } })
    expect(elsewhere).toMatchObject({
      status: 422, body: { code: 'FW_ERR_DSP_TECHNICIAN_UNQUALIFIED', detail: expect.stringMatching(/does not cover site site-north$/) },
    })
  })

  it('hands ownership over, records the handover and tells the new owner', async () => {
    const { body } = await post('handover', { by: 'planner-ana', to: 'planner-ben', reason: 'Ana is on leave' })

    expect(body).toMatchObject({ ownerId: 'planner-ben' })
    expect((body.history as WorkOrderView['history']).at(-1)).toEqual({
      at: MONDAY_0600_BERLIN, by: 'planner-ana', action: 'handed_over', reason: 'owner planner-ana to planner-ben: Ana is on leave',
    })
    expect(dispatch.listNotices({ workOrderId: workOrder.id }).map((n) => n.template)).toEqual(['visit-scheduled', 'owner-handover'])
  })

  it('cancels a scheduled visit and tells the customer', async () => {
    const { body } = await post('cancel', { by: 'planner-ana', reason: 'the pump is being replaced' })

    expect(body).toMatchObject({ status: 'cancelled' })
    expect(dispatch.listNotices({ workOrderId: workOrder.id }).map((n) => n.template))
      .toEqual(['visit-scheduled', 'work-order-cancelled'])
    expect(dispatch.stats()).toMatchObject({ workOrdersOpen: 0 })
  })
})
