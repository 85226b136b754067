import { afterEach, describe, expect, it } from 'vitest'
import { Registry, loadConfig } from '../../core/index.js'
import { createInfluxStore, createIngest, toLine, toLines } from '../../ingest/index.js'
import { BatchWriter } from '../../ingest/batch-writer.js'
import { DEFAULT_BACKOFF } from '../../ingest/backoff.js'
import { DeadLetterList } from '../../ingest/dead-letters.js'
import { rangeStatement } from '../../ingest/influxql.js'
import { createIngestMetrics } from '../../ingest/metrics.js'
import { startFakeInflux, writesTo, type FakeInflux } from './influx-fake.js'
import { T0, memoryLogger, reading } from './fixtures.js'
import { tempDir } from './spool-helpers.js'

const TOKEN = 'apiv3_token-for-tests'
let fake: FakeInflux

afterEach(async () => {
  await fake.close()
})

async function start3x(): Promise<FakeInflux> {
  fake = await startFakeInflux('3', { token: TOKEN })
  return fake
}

function storeFor(overrides: Record<string, string> = {}) {
  const { logger, records } = memoryLogger('info')
  const store = createInfluxStore({ url: fake.url, version: '3', database: 'forewarn', token: TOKEN, logger, ...overrides })
  return { store, records }
}

/** `telemetry … value=<n>i` for pump-1 temperature: an integer where Forewarn writes floats. */
function integerLine(offsetMs: number, value: number): string {
  return `telemetry,asset_id=pump-1,metric=temperature value=${value}i ${BigInt(T0 + offsetMs) * 1_000_000n}`
}

describe('InfluxDB 3.x adapter', () => {
  it('writes line protocol to /api/v3/write_lp with db, nanosecond precision, partial writes and the token', async () => {
    await start3x()
    const { store } = storeFor()
    await store.open()
    const readings = [reading(0, 1.5), reading(1_000, 2.5, { metric: 'vibration' })]

    await store.write(readings)

    const [write] = writesTo(fake)
    expect(write?.path).toBe('/api/v3/write_lp')
    expect(Object.fromEntries(write?.params ?? [])).toEqual({
      db: 'forewarn', precision: 'nanosecond', accept_partial: 'true',
    })
    expect(write?.headers.authorization).toBe(`Token ${TOKEN}`)
    expect(write?.body).toBe(toLines(readings))
    expect(fake.stored).toEqual(readings.map(toLine))
  })

  it('detects 3.x from its authenticated /ping when the version is auto, and uses the bucket as database', async () => {
    await start3x()
    const { store, records } = storeFor({ version: 'auto', bucket: 'plant_a' })
    const { store: anonymous } = storeFor({ version: 'auto', token: '' })
    await store.open()
    await anonymous.open()

    await store.write([reading(0, 1)])

    expect(await anonymous.ping()).toBe(false)
    expect(await store.ping()).toBe(true)
    expect(fake.requests.slice(0, 2).map((r) => `${r.method} ${r.path}?${r.params.toString()}`)).toEqual([
      'GET /ping?', 'POST /api/v3/write_lp?db=plant_a&precision=nanosecond&accept_partial=true',
    ])
    expect(records).toContainEqual(expect.objectContaining({
      msg: 'InfluxDB version detected', version: '3.3.0', api: '3',
    }))
  })

  it('reads through /query with the database and epoch ms, and reports 3.x query errors', async () => {
    await start3x()
    const { store } = storeFor()
    await store.open()
    await store.write([reading(0, 1.5)])
    const range = { assetId: 'pump-1', metric: 'temperature', from: T0, to: T0 + 60_000, everyMs: 60_000 }
    // 3.x's v1 /query always sends `series`, empty when nothing matched.
    fake.answerQuery = (params) => ({
      results: [{
        statement_id: 0,
        series: params.get('q')?.includes('pressure') === true
          ? []
          : [{ name: 'telemetry', columns: ['time', 'mean'], values: [[T0, 1.5]] }],
      }],
    })
    const { store: elsewhere } = storeFor({ database: 'nowhere' })
    await elsewhere.open()

    expect(await store.query(range)).toEqual([{ time: T0, value: 1.5 }])
    expect(await store.query({ ...range, metric: 'pressure' })).toEqual([])
    await expect(elsewhere.count({})).rejects.toMatchObject({
      code: 'FW_ERR_ING_QUERY_FAILED', details: { status: 404, reason: 'query error: database not found: nowhere' },
    })
    const [query] = fake.requests.filter((r) => r.path === '/query')
    expect(Object.fromEntries(query?.params ?? [])).toEqual({ db: 'forewarn', epoch: 'ms', q: rangeStatement(range) })
  })

  it('dead-letters exactly the lines 3.x names, with its reason, and rewrites the rest once', async () => {
    await start3x()
    const { store } = storeFor()
    await store.open()
    await store.write([reading(0, 1)])
    const { logger } = memoryLogger('silent')
    const deadLetters = new DeadLetterList()
    const writer = new BatchWriter({
      store, logger, metrics: createIngestMetrics(new Registry()), backoff: DEFAULT_BACKOFF, deadLetters,
    })
    const good = [reading(1_000, 2.5), reading(2_000, 3.5), reading(3_000, 4.5)]
    const [first, second, third] = good.map(toLine)
    const body = [first, second, integerLine(4_000, 7), third, integerLine(5_000, 8)]

    const result = await writer.write([Buffer.from(body.join('\n'))], body.length, new AbortController().signal)

    expect(result).toEqual({ stored: 3, deadLettered: 2 })
    expect(writesTo(fake).slice(1).map((r) => r.body)).toEqual([body.join('\n'), toLines(good)])
    expect(fake.stored).toEqual([reading(0, 1), ...good].map(toLine))
    const reason = 'invalid column type for column \'value\', expected iox::column_type::field::float, '
      + 'got iox::column_type::field::integer'
    expect(deadLetters.list().map((d) => [d.line, d.kind, d.reason, d.status])).toEqual([
      [integerLine(4_000, 7), 'field_type_conflict', reason, 400],
      [integerLine(5_000, 8), 'field_type_conflict', reason, 400],
    ])
  })
})

describe('createIngest on InfluxDB 3.x, configured by environment variables', () => {
  function ingestFromEnv() {
    const { logger, records } = memoryLogger('debug')
    const config = loadConfig({
      env: {
        FOREWARN_DATA_DIR: tempDir('forewarn-influx3-'),
        FOREWARN_INFLUX_URL: fake.url,
        FOREWARN_INFLUX_DATABASE: 'forewarn',
        FOREWARN_INFLUX_TOKEN: TOKEN,
        FOREWARN_INFLUX_FLUSH_INTERVAL_MS: '20',
      },
    })
    return { ingest: createIngest({ config, logger, metrics: new Registry() }), records }
  }

  it('dead-letters a batch whose every line 3.x refuses with one request, not by halving', async () => {
    await start3x()
    fake.plant('forewarn', [integerLine(0, 1)])
    const { ingest } = ingestFromEnv()
    await ingest.start()
    const refused = [reading(1_000, 2.5), reading(2_000, 3.5), reading(3_000, 4.5), reading(4_000, 5.5)]

    await ingest.accept(refused)
    await ingest.flush()

    expect(ingest.stats()).toMatchObject({ accepted: 4, stored: 0, deadLettered: 4, pending: 0 })
    expect(ingest.deadLetters().map((d) => [d.reading, d.kind])).toEqual(refused.map((r) => [r, 'field_type_conflict']))

    expect(writesTo(fake)).toHaveLength(1)
    await ingest.stop()
  })

  it('waits for 503 Retry-After, then stores the batch once', async () => {
    await start3x()
    fake.replyToNextWrites({ status: 503, headers: { 'retry-after': '1' }, body: 'service unavailable' })
    const { ingest, records } = ingestFromEnv()
    await ingest.start()
    const readings = [reading(0, 1.5), reading(1_000, 2.5)]

    await ingest.accept(readings)
    await ingest.flush()

    expect(fake.stored).toEqual(readings.map(toLine))
    expect(writesTo(fake).map((r) => r.body)).toEqual([toLines(readings), toLines(readings)])
    expect(records).toContainEqual(expect.objectContaining({ msg: 'telemetry batch write failed', retryInMs: 1_000 }))
    expect(ingest.stats()).toMatchObject({ stored: 2, failedWrites: 1, pending: 0 })
    await ingest.stop()
  })
})
