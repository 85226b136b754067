import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Reading } from '../../core/index.js'
import type { Dispatch } from '../../dispatch/index.js'
import { HOUR_MS, MONDAY_0600_BERLIN, makeDispatch, makeSignal, manualClock, tempDir } from './fixtures.js'

/** A reading of pump-1 at a data-clock time: what moves dispatch's clock in the service. */
function readingAt(time: number): Reading {
  return {
    deviceId: 'dev-pump-1', assetId: 'pump-1', metric: 'bearing_temp', time, value: 41,
    tags: { siteId: 'site-north', customerId: 'cust-water', equipmentType: 'pump' },
  }
}

describe('escalation deadlines', () => {
  let tmp: ReturnType<typeof tempDir>
  let dbFile: string
  let dispatch: Dispatch

  beforeEach(async () => {
    tmp = tempDir()
    dbFile = join(tmp.dir, 'dispatch.sqlite')
    dispatch = makeDispatch({ dataDir: tmp.dir, dbFile, clock: manualClock() }).dispatch
    await dispatch.start()
  })

  afterEach(async () => {
    await dispatch.stop()
    tmp.remove()
  })

  it('escalates a missed visit to the next owner, re-dispatches it and tells the customer the new time', () => {
    const workOrder = dispatch.handleSignal(makeSignal())
    const visitStart = workOrder?.visit?.start ?? 0
    // The visit ended 09:00 UTC; at 11:30 UTC it is more than the playbook's 2 h overdue.
    dispatch.observeReading(readingAt(Date.UTC(2026, 2, 2, 11, 30)))

    expect(dispatch.runEscalations()).toEqual({ fired: [`${workOrder?.id}:visit_missed:${visitStart}`], closuresDecided: [] })
    const escalated = dispatch.getWorkOrder(workOrder?.id ?? '')
    expect(escalated).toMatchObject({ ownerId: 'planner-ben', escalationLevel: 1, status: 'scheduled', visitSequence: 2 })
    expect(escalated?.visit?.start).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 2, 11, 30))
    expect(escalated?.history.slice(2).map((h) => [h.by, h.action])).toEqual([
      ['forewarn-dispatch', 'handed_over'],
      ['forewarn-dispatch', 'escalated'],
      ['forewarn-dispatch', 'rescheduled'],
    ])
    expect(escalated?.history[3]?.reason).toBe(
      'the visit 2026-03-02T07:00:00.000Z to 2026-03-02T09:00:00.000Z was not started (owner now planner-ben)')
    expect(dispatch.listNotices({ workOrderId: workOrder?.id }).map((n) => n.template))
      .toEqual(['visit-scheduled', 'owner-escalation', 'visit-rescheduled'])
    expect(dispatch.runEscalations().fired).toEqual([])
  })

  it('walks the chain: not scheduled in time to the duty manager, open past the failure to the director', () => {
    // Both pump mechanics are away all week, so no visit fits: proposed, owner told at once.
    for (const technicianId of ['tech-mira', 'tech-jonas']) {
      const week = { start: MONDAY_0600_BERLIN, end: MONDAY_0600_BERLIN + 7 * 24 * HOUR_MS }
      dispatch.markTechnicianUnavailable({ technicianId, ...week, by: 'planner-ana', reason: 'trade fair' })
    }
    const earliest = MONDAY_0600_BERLIN + 40 * HOUR_MS
    const workOrder = dispatch.handleSignal(makeSignal({ predictedFailure: { earliest, mostLikely: earliest } }))
    const id = workOrder?.id ?? ''

    dispatch.observeReading(readingAt(MONDAY_0600_BERLIN + 4 * HOUR_MS))
    expect(dispatch.runEscalations().fired).toEqual([`${id}:not_scheduled:${MONDAY_0600_BERLIN}`])
    expect(dispatch.getWorkOrder(id)).toMatchObject({ status: 'proposed', ownerId: 'planner-ben', escalationLevel: 1 })
    expect(dispatch.getWorkOrder(id)?.history.at(-1)?.reason)
      .toBe(`not scheduled within 4 h of ${new Date(MONDAY_0600_BERLIN).toISOString()}; still no feasible slot (owner now planner-ben)`)
    dispatch.observeReading(readingAt(earliest))
    expect(dispatch.runEscalations().fired).toEqual([`${id}:past_failure:${earliest}`])
    expect(dispatch.getWorkOrder(id)).toMatchObject({ ownerId: 'planner-cleo', escalationLevel: 2 })
    const staff = dispatch.listNotices({ workOrderId: id }).filter((n) => n.template === 'owner-escalation')
    expect(staff.map((n) => n.dedupKey)).toEqual([
      `workorder:${id}:staff:escalation:no_slot:opened`,
      `workorder:${id}:staff:escalation:not_scheduled:${MONDAY_0600_BERLIN}`,
      `workorder:${id}:staff:escalation:past_failure:${earliest}`,
    ])
  })

  it('re-dispatches a proposed work order once a slot exists, even after its deadline', () => {
    const earliest = MONDAY_0600_BERLIN + 13 * HOUR_MS
    const workOrder = dispatch.handleSignal(makeSignal({ predictedFailure: { earliest, mostLikely: earliest } }))
    dispatch.observeReading(readingAt(MONDAY_0600_BERLIN + 4 * HOUR_MS))
    dispatch.runEscalations()

    const redispatched = dispatch.getWorkOrder(workOrder?.id ?? '')
    // At 10:00 Berlin both mechanics are free; the smaller id takes the tie.
    expect(redispatched).toMatchObject({ status: 'scheduled', technicianId: 'tech-jonas', visit: { start: Date.UTC(2026, 2, 2, 9) } })
    expect(redispatched?.history.find((h) => h.action === 'scheduled')?.reason)
      .toMatch(/^re-dispatched: technician tech-jonas .*; after the deadline 2026-03-02T06:00:00.000Z, as soon as/)
  })
})

describe('escalation and the two clocks', () => {
  it('measures deadlines in the data clock: a replay of 2014 is not years late by today\'s wall clock', async () => {
    const tmp = tempDir()
    const detectedAt = Date.UTC(2014, 1, 10, 6)
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile: join(tmp.dir, 'd.sqlite'), clock: manualClock(Date.UTC(2026, 5, 1)) })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal({ detectedAt }))

    expect(dispatch.now()).toBe(detectedAt)
    expect(dispatch.runEscalations().fired).toEqual([])
    dispatch.observeReading(readingAt(detectedAt + 30 * HOUR_MS))
    expect(dispatch.runEscalations().fired).toEqual([`${workOrder?.id}:visit_missed:${workOrder?.visit?.start}`])
    await dispatch.stop()
    tmp.remove()
  })

  it('does not let a silent-device Signal, raised on the arrival clock, move the data clock', async () => {
    const tmp = tempDir()
    const wallNow = Date.UTC(2026, 5, 1)
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, clock: manualClock(wallNow) })
    await dispatch.start()
    const detectedAt = Date.UTC(2014, 1, 10, 6)
    dispatch.handleSignal(makeSignal({ detectedAt }))
    const silent = dispatch.handleSignal(makeSignal({
      id: 'sig-silent', kind: 'silent_device', failureMode: 'telemetry_lost', detectedAt: wallNow, predictedFailure: null,
    }))

    expect([dispatch.now(), silent?.playbook]).toEqual([detectedAt, 'silent-device-check'])
    expect(dispatch.runEscalations().fired).toEqual([])
    await dispatch.stop()
    tmp.remove()
  })

  it('carries the data clock forward at wall speed and keeps it, and fired deadlines, across a restart', async () => {
    const tmp = tempDir()
    const dbFile = join(tmp.dir, 'd.sqlite')
    const clock = manualClock(Date.UTC(2026, 5, 1))
    const first = makeDispatch({ dataDir: tmp.dir, dbFile, clock }).dispatch
    await first.start()
    first.handleSignal(makeSignal())
    clock.advance(6 * HOUR_MS)
    const fired = first.runEscalations().fired
    await first.stop()

    clock.advance(HOUR_MS)
    const second = makeDispatch({ dataDir: tmp.dir, dbFile, clock }).dispatch
    await second.start()
    expect(fired).toHaveLength(1)
    expect(second.now()).toBe(MONDAY_0600_BERLIN + 7 * HOUR_MS)
    expect(second.runEscalations().fired).toEqual([])
    await second.stop()
    tmp.remove()
  })

  it('checks deadlines on its own timer', async () => {
    const tmp = tempDir()
    const clock = manualClock(Date.UTC(2026, 5, 1))
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, clock, escalationIntervalMs: 10 })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal())
    clock.advance(6 * HOUR_MS)

    await vi.waitFor(() => expect(dispatch.getWorkOrder(workOrder?.id ?? '')?.escalationLevel).toBe(1))
    await dispatch.stop()
    tmp.remove()
  })
})
