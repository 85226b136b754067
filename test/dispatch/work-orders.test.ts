import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { HOUR_MS, MONDAY_0600_BERLIN, makeDispatch, makeSignal, tempDir, type TestDispatch } from './fixtures.js'

const localTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})

describe('dispatch.handleSignal', () => {
  let tmp: ReturnType<typeof tempDir>
  let subject: TestDispatch

  beforeEach(async () => {
    tmp = tempDir()
    subject = makeDispatch({ dataDir: tmp.dir, dbFile: join(tmp.dir, 'dispatch.sqlite') })
    await subject.dispatch.start()
  })

  afterEach(async () => {
    await subject.dispatch.stop()
    tmp.remove()
  })

  it('opens one scheduled work order with owner, a qualified technician and a visit before the deadline', () => {
    const signal = makeSignal()
    const workOrder = subject.dispatch.handleSignal(signal)

    // Mira is the qualified technician who starts earliest (08:00 Berlin, 07:00 UTC in March).
    expect(workOrder).toMatchObject({
      assetId: 'pump-1', customerId: 'cust-water', siteId: 'site-north', failureMode: 'bearing_wear',
      playbook: 'degradation-preventive-repair', priority: 2, status: 'scheduled', ownerId: 'planner-ana',
      technicianId: 'tech-mira', signalIds: ['sig-1'], createdAt: MONDAY_0600_BERLIN,
      visit: { start: Date.UTC(2026, 2, 2, 7, 0), end: Date.UTC(2026, 2, 2, 9, 0) },
    })
    const earliest = signal.predictedFailure?.earliest ?? 0
    expect(workOrder?.dueBy).toBe(earliest - 12 * HOUR_MS)
    expect([localTime.format(workOrder?.visit?.start), localTime.format(workOrder?.visit?.end)])
      .toEqual(['Mon 08:00', 'Mon 10:00'])
    expect(workOrder?.history.map((h) => h.action)).toEqual(['opened', 'scheduled'])
    expect(workOrder?.history[1]?.reason).toMatch(/tech-mira.*2026-03-02T07:00:00.000Z.*deadline 2026-03-04T17:00/)
  })

  it('ignores the same Signal delivered twice', () => {
    const first = subject.dispatch.handleSignal(makeSignal())
    const second = subject.dispatch.handleSignal(makeSignal())

    expect(second).toBeNull()
    expect(subject.dispatch.listWorkOrders()).toEqual({ items: [first], total: 1 })
  })

  it('attaches a second Signal for the same asset and failure mode and raises the priority', () => {
    const first = subject.dispatch.handleSignal(makeSignal())
    const second = subject.dispatch.handleSignal(makeSignal({
      id: 'sig-2', severity: 'critical', detectedAt: MONDAY_0600_BERLIN + HOUR_MS,
    }))

    expect(second?.id).toBe(first?.id)
    expect(second).toMatchObject({ priority: 1, signalIds: ['sig-1', 'sig-2'], visit: first?.visit })
    expect(second?.history.map((h) => h.action)).toEqual(['opened', 'scheduled', 'signal_attached', 'priority_raised'])
    expect(subject.dispatch.stats()).toMatchObject({ workOrdersOpen: 1, workOrdersTotal: 1, noticesPending: 1 })
  })

  it('never lowers the priority when a milder Signal attaches', () => {
    subject.dispatch.handleSignal(makeSignal({ severity: 'critical' }))
    const attached = subject.dispatch.handleSignal(makeSignal({ id: 'sig-2', severity: 'info' }))

    expect(attached?.priority).toBe(1)
  })

  it('brings the deadline forward and escalates when no earlier visit can end before it', () => {
    const first = subject.dispatch.handleSignal(makeSignal())
    const soon = MONDAY_0600_BERLIN + 14 * HOUR_MS
    const attached = subject.dispatch.handleSignal(makeSignal({
      id: 'sig-2', predictedFailure: { earliest: soon, mostLikely: soon + HOUR_MS },
    }))

    // The new deadline (08:00 Berlin) comes before any shift can fit a visit: the booked one stays.
    expect(attached?.dueBy).toBe(soon - 12 * HOUR_MS)
    expect(attached?.visit).toEqual(first?.visit)
    expect(attached?.history.slice(-2)).toMatchObject([
      { action: 'due_by_advanced', reason: /needs rescheduling by planner-ana/ },
      { action: 'escalated', reason: /^new evidence \(signal sig-2\); no free 2 h slot .* \(owner now planner-ana\)$/ },
    ])
    expect(subject.logs.find((l) => l.msg === 'booked visit ends after the new deadline'))
      .toMatchObject({ level: 40, workOrderId: first?.id, assetId: 'pump-1' })
  })

  it('pulls the visit earlier when new evidence brings the deadline before it and a slot is free', () => {
    const freed = subject.dispatch.handleSignal(makeSignal({ id: 'sig-a', assetId: 'pump-2' }))
    subject.dispatch.handleSignal(makeSignal({ id: 'sig-b', assetId: 'pump-2', failureMode: 'seal_leak' }))
    const first = subject.dispatch.handleSignal(makeSignal({ id: 'sig-c' }))
    subject.dispatch.command(freed?.id ?? '', { action: 'cancel', by: 'planner-ana', reason: 'duplicate report' })
    // Failure from 22:00 UTC: the deadline becomes 11:00 Berlin, before the booked 10:00-12:00 visit ends.
    const earliest = MONDAY_0600_BERLIN + 17 * HOUR_MS
    const moved = subject.dispatch.handleSignal(makeSignal({
      id: 'sig-d', severity: 'critical', predictedFailure: { earliest, mostLikely: earliest },
    }))

    expect(first?.visit?.start).toBe(Date.UTC(2026, 2, 2, 9))
    expect(moved).toMatchObject({
      id: first?.id, priority: 1, visitSequence: 2, technicianId: 'tech-mira',
      visit: { start: Date.UTC(2026, 2, 2, 7), end: Date.UTC(2026, 2, 2, 9) },
    })
    expect(moved?.history.at(-1)).toMatchObject({ action: 'rescheduled', reason: /^new evidence \(signal sig-d\); technician tech-mira/ })
    expect(subject.dispatch.listNotices({ workOrderId: first?.id }).map((n) => n.template))
      .toEqual(['visit-scheduled', 'visit-rescheduled'])
  })

  it('opens a second work order for a different failure mode of the same asset', () => {
    const bearing = subject.dispatch.handleSignal(makeSignal())
    const seal = subject.dispatch.handleSignal(makeSignal({ id: 'sig-seal', failureMode: 'seal_leak' }))

    expect(seal?.id).not.toBe(bearing?.id)
    // Mira is booked 08:00 to 10:00 Berlin; Jonas starts at 09:00, before Mira is free again.
    expect(seal).toMatchObject({ technicianId: 'tech-jonas', visit: { start: Date.UTC(2026, 2, 2, 8, 0) } })
    expect(subject.dispatch.listWorkOrders().total).toBe(2)
  })

  it('proposes and escalates when no visit can end before the deadline', () => {
    // Failure in 13 h minus the 12 h margin: the deadline (07:00 Berlin) is before any shift starts.
    const earliest = MONDAY_0600_BERLIN + 13 * HOUR_MS
    const workOrder = subject.dispatch.handleSignal(makeSignal({
      severity: 'critical', predictedFailure: { earliest, mostLikely: earliest + HOUR_MS },
    }))

    expect(workOrder).toMatchObject({
      status: 'proposed', technicianId: null, visit: null, dueBy: earliest - 12 * HOUR_MS, priority: 1,
    })
    expect(workOrder?.history[1]).toMatchObject({
      action: 'escalated',
      reason: /^no free 2 h slot in the working hours of tech-mira, tech-jonas ending by 2026-03-02T06:00:00.000Z/,
    })
    expect(subject.logs.find((l) => l.msg === 'work order escalated'))
      .toMatchObject({ level: 40, workOrderId: workOrder?.id, assetId: 'pump-1', customerId: 'cust-water' })
  })

  it('uses the default deadline for a Signal without a failure prediction', () => {
    const workOrder = subject.dispatch.handleSignal(makeSignal({
      kind: 'sensor_fault', failureMode: 'sensor', predictedFailure: null,
    }))

    expect(workOrder).toMatchObject({ playbook: 'sensor-check', dueBy: MONDAY_0600_BERLIN + 72 * HOUR_MS })
    expect(workOrder?.summary).toMatch(/^sensor check of Raw water pump 1: /)
  })

  it('refuses a Signal for an asset the fleet does not know, and writes nothing', () => {
    expect(() => subject.dispatch.handleSignal(makeSignal({ assetId: 'pump-99' })))
      .toThrow(expect.objectContaining({ code: 'FW_ERR_DSP_UNKNOWN_ASSET' }))
    expect(subject.dispatch.stats()).toEqual({
      workOrdersOpen: 0, workOrdersTotal: 0, noticesPending: 0, noticesSent: 0,
    })
  })

  it('counts created work orders, attached and ignored signals, and open work orders', async () => {
    subject.dispatch.handleSignal(makeSignal())
    subject.dispatch.handleSignal(makeSignal())
    subject.dispatch.handleSignal(makeSignal({ id: 'sig-2' }))
    subject.dispatch.handleSignal(makeSignal({ id: 'sig-seal', failureMode: 'seal_leak' }))

    const metrics = await subject.registry.getMetricsAsJSON()
    const values = Object.fromEntries(metrics.map((m) => [m.name, m.values.map((v) => [v.labels, v.value])]))
    expect(values).toMatchObject({
      forewarn_dispatch_work_orders_created_total: [
        [{ playbook: 'degradation-preventive-repair', status: 'scheduled' }, 2],
      ],
      forewarn_dispatch_signals_attached_total: [[{}, 1]],
      forewarn_dispatch_signals_ignored_total: [[{ reason: 'duplicate' }, 1]],
      forewarn_dispatch_work_orders_open: [[{}, 2]],
      forewarn_dispatch_notices_pending: [[{}, 2]],
    })
  })
})

describe('dispatch lifecycle', () => {
  it('is ready only between start() and stop(), and refuses work outside it', async () => {
    const tmp = tempDir()
    onTestFinished(() => tmp.remove())
    const { dispatch } = makeDispatch({ dataDir: tmp.dir })

    expect(dispatch.isReady()).toBe(false)
    await dispatch.start()
    expect(dispatch.isReady()).toBe(true)
    await dispatch.stop()
    expect(dispatch.isReady()).toBe(false)
    expect(() => dispatch.handleSignal(makeSignal())).toThrow(expect.objectContaining({ code: 'FW_ERR_DSP_NOT_STARTED' }))
    // The reading path must never fail on dispatch's account.
    expect(dispatch.observeReading({
      deviceId: 'dev-pump-1', assetId: 'pump-1', metric: 'vibration_rms', time: 1, value: 1,
      tags: { siteId: 'site-north', customerId: 'cust-water', equipmentType: 'pump' },
    })).toBeUndefined()
  })
})
