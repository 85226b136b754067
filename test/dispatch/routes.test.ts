import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkOrder } from '../../core/index.js'
import type { Dispatch } from '../../dispatch/index.js'
import type { ApiApp } from '../../api/index.js'
import { dispatchApp } from '../helpers/api-app.js'
import { HOUR_MS, MONDAY_0600_BERLIN, makeDispatch, makeSignal, tempDir } from './fixtures.js'

describe('dispatch routes', () => {
  const tmp = tempDir()
  let dispatch: Dispatch
  let app: ApiApp
  const opened: WorkOrder[] = []

  beforeAll(async () => {
    dispatch = makeDispatch({ dataDir: tmp.dir }).dispatch
    await dispatch.start()
    const tooLate = MONDAY_0600_BERLIN + 13 * HOUR_MS
    const signals = [
      makeSignal({ id: 'sig-a' }),
      makeSignal({ id: 'sig-b', assetId: 'pump-2', detectedAt: MONDAY_0600_BERLIN + HOUR_MS }),
      makeSignal({ id: 'sig-c', assetId: 'elevator-1', failureMode: 'door_wear', detectedAt: MONDAY_0600_BERLIN + 2 * HOUR_MS }),
      makeSignal({
        id: 'sig-d', failureMode: 'seal_leak', detectedAt: MONDAY_0600_BERLIN,
        predictedFailure: { earliest: tooLate, mostLikely: tooLate },
      }),
    ]
    for (const signal of signals) {
      const workOrder = dispatch.handleSignal(signal)
      if (workOrder !== null) opened.push(workOrder)
    }
    app = await dispatchApp(dispatch)
  })

  afterAll(async () => {
    await app.close()
    await dispatch.stop()
    tmp.remove()
  })

  const get = async (url: string): Promise<{ status: number, body: unknown }> => {
    const response = await app.inject({ method: 'GET', url })
    return { status: response.statusCode, body: response.json() }
  }

  it('lists work orders newest first with the total', async () => {
    const { status, body } = await get('/api/work-orders')

    expect(status).toBe(200)
    const ids = opened.map((w) => w.id)
    // sig-a and sig-d share a creation time; the later insert comes first.
    expect(body).toMatchObject({ total: 4, limit: 50, offset: 0 })
    expect((body as { items: WorkOrder[] }).items.map((w) => w.id)).toEqual([ids[2], ids[1], ids[3], ids[0]])
  })

  it('filters by status, asset and customer', async () => {
    const proposed = await get('/api/work-orders?status=proposed')
    const pump = await get('/api/work-orders?assetId=pump-1')
    const towers = await get('/api/work-orders?customerId=cust-towers')

    expect(proposed.body).toMatchObject({ total: 1, items: [{ id: opened[3]?.id, status: 'proposed' }] })
    expect(pump.body).toMatchObject({ total: 2 })
    expect(towers.body).toMatchObject({ total: 1, items: [{ id: opened[2]?.id, customerId: 'cust-towers' }] })
  })

  it('pages with limit and offset', async () => {
    const { body } = await get('/api/work-orders?limit=2&offset=1')

    expect(body).toMatchObject({ total: 4, limit: 2, offset: 1, items: [{ id: opened[1]?.id }, { id: opened[3]?.id }] })
  })

  it('returns one work order with its history', async () => {
    const { status, body } = await get(`/api/work-orders/${opened[0]?.id}`)

    expect(status).toBe(200)
    expect(body).toEqual(dispatch.getWorkOrder(opened[0]?.id ?? ''))
  })

  it('answers 404 with a code for an unknown work order', async () => {
    const { status, body } = await get('/api/work-orders/wo-missing')

    expect(status).toBe(404)
    expect(body).toMatchObject({ code: 'FW_ERR_DSP_WORK_ORDER_NOT_FOUND', detail: 'work order wo-missing does not exist' })
  })

  it.each([
    ['limit=201', 'limit'],
    ['limit=0', 'limit'],
    ['offset=-1', 'offset'],
    ['limit=ten', 'limit'],
    ['status=broken', 'status'],
    ['assetId=', 'assetId'],
    ['dueBefore=tomorrow', 'dueBefore'],
    ['colour=red', 'colour'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const { status, body } = await get(`/api/work-orders?${query}`)

    expect(status).toBe(400)
    expect(body).toMatchObject({ code: 'FW_ERR_HTTP_VALIDATION', errors: [{ field: `querystring.${field}` }] })
  })
})
