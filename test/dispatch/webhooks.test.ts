import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HOUR_MS, makeDispatch, makeSignal, manualClock, tempDir, withWebhook } from './fixtures.js'
import { WEBHOOK_SECRET } from './fixtures.js'
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CRASH_WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url))

describe('dispatch webhooks', () => {
  let tmp: ReturnType<typeof tempDir>
  let dbFile: string
  let receiver: WebhookReceiver

  beforeEach(() => {
    tmp = tempDir()
    dbFile = join(tmp.dir, 'dispatch.sqlite')
  })

  afterEach(async () => {
    await receiver.stop()
    tmp.remove()
  })

  it('retries a receiver that answers 500, with the same idempotency key, body and a valid signature', async () => {
    receiver = await startWebhookReceiver(WEBHOOK_SECRET, [500])
    const clock = manualClock(Date.UTC(2026, 2, 2, 12))
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile, clock, customizeFleet: withWebhook('cust-water', receiver.url) })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal())

    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 1 })
    clock.advance(60_000)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 1, failed: 0 })
    const notices = dispatch.listNotices({ workOrderId: workOrder?.id })
    await dispatch.stop()

    const [first, second] = receiver.received
    expect(receiver.received.map((r) => [r.status, r.isSignatureValid, r.headers['forewarn-event']])).toEqual([
      [500, true, 'visit.scheduled'], [200, true, 'visit.scheduled'],
    ])
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key'])
    expect(second?.body).toBe(first?.body)
    expect(Number(second?.headers['forewarn-timestamp']) - Number(first?.headers['forewarn-timestamp'])).toBe(60)
    expect(notices.find((n) => n.channel === 'webhook'))
      .toMatchObject({ id: first?.headers['idempotency-key'], status: 'sent', attempts: 2, lastError: null })
  })

  it('names equipment, finding, the visit in the customer zone and the owner in the body', async () => {
    receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile, customizeFleet: withWebhook('cust-water', receiver.url) })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal())
    await dispatch.drainOutbox()
    await dispatch.stop()

    const [hook] = await receiver.waitFor(1)
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      id: hook?.headers['idempotency-key'],
      type: 'visit.scheduled',
      customerId: 'cust-water',
      workOrder: { id: workOrder?.id, action: 'part_replacement', actionText: 'preventive repair' },
      equipment: { assetId: 'pump-1', name: 'Raw water pump 1', siteName: 'North pumping station' },
      finding: makeSignal().evidence.summary,
      visit: {
        start: '2026-03-02T07:00:00.000Z', end: '2026-03-02T09:00:00.000Z', timeZone: 'Europe/London',
        local: 'Monday, 2 March 2026, 07:00 to 09:00 (Europe/London)',
      },
      technician: { id: 'tech-mira', name: 'Mira Tester' },
      owner: { id: 'planner-ana', name: 'Ana Okafor', email: 'ana@service.example' },
      outcome: null,
    })
  })

  it('delivers the webhook of a work order committed by a crashed process exactly once', async () => {
    receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    const child = spawnSync(process.execPath, ['--import', 'tsx', CRASH_WRITER, tmp.dir, dbFile, receiver.url], {
      cwd: REPO_ROOT, encoding: 'utf8',
    })
    expect(child.signal).toBe('SIGKILL')
    const { workOrderId } = JSON.parse(child.stdout) as { workOrderId: string }

    const clock = manualClock(Date.now())
    const { dispatch } = makeDispatch({
      dataDir: tmp.dir, dbFile, clock, customizeFleet: withWebhook('cust-water', receiver.url),
    })
    await dispatch.start()
    expect(dispatch.listNotices().map((n) => [n.channel, n.status])).toEqual([['email', 'pending'], ['webhook', 'pending']])
    expect(await dispatch.drainOutbox()).toEqual({ sent: 2, failed: 0 })
    clock.advance(24 * HOUR_MS)
    expect(await dispatch.drainOutbox()).toEqual({ sent: 0, failed: 0 })
    await dispatch.stop()

    expect(receiver.received.map((r) => JSON.parse(r.body) as { workOrder: { id: string } })
      .map((b) => b.workOrder.id)).toEqual([workOrderId])
  })
})
