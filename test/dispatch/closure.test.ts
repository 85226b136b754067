import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Reading } from '../../core/index.js'
import type { Dispatch, WorkOrderView } from '../../dispatch/index.js'
import { HOUR_MS, MONDAY_0600_BERLIN, makeDispatch, makeSignal, manualClock, tempDir } from './fixtures.js'

const REPAIRED_AT = MONDAY_0600_BERLIN

function vibration(time: number, value: number): Reading {
  return {
    deviceId: 'dev-pump-1', assetId: 'pump-1', metric: 'vibration_rms', time, value,
    tags: { siteId: 'site-north', customerId: 'cust-water', equipmentType: 'pump' },
  }
}

describe('telemetry-verified closure', () => {
  let tmp: ReturnType<typeof tempDir>
  let dispatch: Dispatch
  let repaired: WorkOrderView

  beforeEach(async () => {
    tmp = tempDir()
    dispatch = makeDispatch({ dataDir: tmp.dir, clock: manualClock() }).dispatch
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal()) ?? expect.fail('no work order')
    for (const action of ['dispatch', 'start'] as const) dispatch.command(workOrder.id, { action, by: 'tech-mira' })
    repaired = dispatch.command(workOrder.id, { action: 'complete', by: 'tech-mira', outcome: 'fault_confirmed', part: 'bearing 6309' })
  })

  afterEach(async () => {
    await dispatch.stop()
    tmp.remove()
  })

  it('verifies the repair when the readings stay clear of the evidence for the whole watch', () => {
    for (let hour = 1; hour <= 10; hour++) dispatch.observeReading(vibration(REPAIRED_AT + hour * HOUR_MS, 2.3))
    dispatch.observeReading(vibration(REPAIRED_AT + 73 * HOUR_MS, 2.4))

    expect(dispatch.runEscalations().closuresDecided).toEqual([repaired.id])
    const verified = dispatch.getWorkOrder(repaired.id)
    expect(verified).toMatchObject({ status: 'completed', closure: { state: 'verified', metrics: ['vibration_rms'] } })
    expect(verified?.history.at(-1)).toEqual({
      at: REPAIRED_AT + 72 * HOUR_MS, by: 'forewarn-telemetry', action: 'closure_verified',
      reason: '10 readings after the repair stayed clear of the fault\'s evidence until 2026-03-05T05:00:00.000Z',
    })
  })

  it('reopens the work order, tells the owner and books a new visit when the anomaly persists', () => {
    const bad = [8.1, 8.3, 7.2, 8.0, 8.2, 8.4, 8.5, 8.6]
    bad.forEach((value, i) => dispatch.observeReading(vibration(REPAIRED_AT + (i + 1) * HOUR_MS, value)))

    const reopened = dispatch.getWorkOrder(repaired.id)
    // 7.2 is below the evidence (7.9) and restarts the count; the fifth bad reading in a row reopens.
    expect(reopened).toMatchObject({ status: 'scheduled', outcome: null, completion: null, closure: { state: 'reopened' } })
    expect(reopened?.history.find((h) => h.action === 'reopened')).toEqual({
      at: REPAIRED_AT + 8 * HOUR_MS, by: 'forewarn-telemetry', action: 'reopened',
      reason: 'the repair did not hold: 5 consecutive vibration_rms readings ≥ 7.9 after the repair (last 8.6 at 2026-03-02T13:00:00.000Z)',
    })
    expect(dispatch.listNotices({ workOrderId: repaired.id }).map((n) => n.template)).toEqual([
      'visit-scheduled', 'technician-on-the-way', 'work-order-completed', 'owner-reopened', 'visit-scheduled',
    ])
    expect(dispatch.listWorkOrders().total).toBe(1)
  })

  it('reopens the same work order when a Signal about the same problem arrives during the watch', () => {
    const signal = makeSignal({ id: 'sig-again', detectedAt: REPAIRED_AT + 20 * HOUR_MS })
    const reopened = dispatch.handleSignal(signal)

    expect(reopened).toMatchObject({ id: repaired.id, status: 'scheduled', signalIds: ['sig-1', 'sig-again'] })
    expect(reopened?.dueBy).toBe((signal.predictedFailure?.earliest ?? 0) - 12 * HOUR_MS)
    expect(dispatch.listWorkOrders().total).toBe(1)
  })

  it('keeps a Signal about readings that moved to the healthy side without reopening', () => {
    const recovered = makeSignal({
      id: 'sig-drop', kind: 'anomaly', detectedAt: REPAIRED_AT + 2 * HOUR_MS,
      evidence: { ...makeSignal().evidence, points: [{ metric: 'vibration_rms', time: REPAIRED_AT + 2 * HOUR_MS, value: 1.9, score: -7 }] },
    })
    const kept = dispatch.handleSignal(recovered)

    expect(kept).toMatchObject({ id: repaired.id, status: 'completed', closure: { state: 'watching' } })
    expect(kept?.history.at(-1)).toMatchObject({ action: 'signal_attached', reason: expect.stringMatching(/healthy side .* not reopened/) })
    expect(dispatch.listWorkOrders().total).toBe(1)
  })

  it('leaves the closure unverified when no readings arrive, and opens a new work order for a later Signal', () => {
    dispatch.observeReading(vibration(REPAIRED_AT - HOUR_MS, 9))
    const later = REPAIRED_AT + 80 * HOUR_MS
    dispatch.observeReading({ ...vibration(later, 2), metric: 'bearing_temp' })
    dispatch.runEscalations()
    const fresh = dispatch.handleSignal(makeSignal({ id: 'sig-later', detectedAt: later }))

    expect(dispatch.getWorkOrder(repaired.id)).toMatchObject({ status: 'completed', closure: { state: 'unverified' } })
    expect(fresh?.id).not.toBe(repaired.id)
  })
})
