import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInfluxStore, type TelemetryStore } from '../../ingest/index.js'
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { T0, reading } from './fixtures.js'
import { createDatabase, influxql, plantIntegerField } from './influx-http.js'
import { describeStoreBehaviour } from './store-behaviour.js'

let influxd: InfluxdHandle
let databases = 0

beforeAll(async () => {
  influxd = await startInfluxd()
})

afterAll(async () => {
  await influxd.stop()
})

async function freshDatabase(): Promise<string> {
  databases += 1
  const database = `test_${databases}`
  await createDatabase(influxd, database)
  return database
}

async function openStore(database: string): Promise<TelemetryStore> {
  const store = createInfluxStore({ url: influxd.url, database })
  await store.open()
  return store
}

describeStoreBehaviour('InfluxDB 1.x', {
  fresh: async () => openStore(await freshDatabase()),
})

describe('createInfluxStore', () => {
  it('writes ids as tags and the value as a float field of measurement telemetry', async () => {
    const database = await freshDatabase()
    const store = await openStore(database)
    await store.write([reading(0, 20)])
    await store.close()

    const rows = await influxql(influxd, 'SELECT * FROM telemetry', database)
    const fields = await influxql(influxd, 'SHOW FIELD KEYS FROM telemetry', database)

    const columns = ['time', 'asset_id', 'customer_id', 'device_id', 'equipment_type', 'metric', 'site_id', 'value']
    const row = [T0, 'pump-1', 'acme', 'dev-1', 'pump', 'temperature', 'site-north', 20]
    expect(rows).toEqual({ results: [{ statement_id: 0, series: [{ name: 'telemetry', columns, values: [row] }] }] })
    expect(fields).toEqual({ results: [{ statement_id: 0, series: [{
      name: 'telemetry', columns: ['fieldKey', 'fieldType'], values: [['value', 'float']],
    }] }] })
  })

  it('rejects points InfluxDB refuses with FW_ERR_ING_WRITE_REJECTED and InfluxDB\'s reason', async () => {
    const database = await freshDatabase()
    await plantIntegerField(influxd, database, T0)
    const store = await openStore(database)

    const failure = store.write([reading(1_000, 2.5)])

    await expect(failure).rejects.toMatchObject({
      code: 'FW_ERR_ING_WRITE_REJECTED',
      details: {
        failure: 'rejected', status: 400, points: 1, reason: expect.stringContaining('field type conflict'),
      },
    })
    await store.close()
  })

  it('reports a missing database as a retryable write failure and a failed query', async () => {
    const store = await openStore('no_such_database')

    await expect(store.write([reading(0, 1)])).rejects.toMatchObject({
      code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'not_found', status: 404 },
    })
    await expect(store.count({})).rejects.toMatchObject({
      code: 'FW_ERR_ING_QUERY_FAILED', details: { reason: 'database not found: no_such_database' },
    })
    await store.close()
  })

  it('reports FW_ERR_ING_STORE_UNAVAILABLE and a failed ping when nothing listens', async () => {
    const store = createInfluxStore({ url: 'http://127.0.0.1:1', database: 'forewarn' })
    await store.open()
    const unavailable = { code: 'FW_ERR_ING_STORE_UNAVAILABLE' }

    await expect(store.write([reading(0, 1)])).rejects.toMatchObject(unavailable)
    await expect(store.query({ assetId: 'a', metric: 'm', from: 0, to: 1 })).rejects.toMatchObject(unavailable)
    expect(await store.ping()).toBe(false)
    await store.close()
  })
})
