import { afterEach, describe, expect, it } from 'vitest'
import { Registry, loadConfig, type Reading } from '../../core/index.js'
import { createInfluxStore, createIngest, toLine, toLines } from '../../ingest/index.js'
import { countStatement, rangeStatement } from '../../ingest/influxql.js'
import { startFakeInflux, writesTo, type FakeInflux } from './influx-fake.js'
import { T0, memoryLogger, reading } from './fixtures.js'
import { tempDir } from './spool-helpers.js'

const TOKEN = 'token-for-tests'
const DAY_MS = 86_400_000
let fake: FakeInflux

afterEach(async () => {
  await fake.close()
})

async function start2x(buckets = ['telemetry']): Promise<FakeInflux> {
  fake = await startFakeInflux('2', { token: TOKEN, org: 'acme', buckets })
  return fake
}

function storeFor(overrides: Record<string, string> = {}) {
  const { logger, records } = memoryLogger('info')
  const store = createInfluxStore({
    url: fake.url, version: '2', database: 'forewarn', org: 'acme', bucket: 'telemetry', token: TOKEN,
    logger, ...overrides,
  })
  return { store, records }
}

describe('InfluxDB 2.x adapter', () => {
  it('writes line protocol to /api/v2/write with org, bucket, ns precision and the token', async () => {
    await start2x()
    const { store } = storeFor()
    await store.open()
    const readings = [reading(0, 1.5), reading(1_000, 2.5, { metric: 'vibration' })]

    await store.write(readings)

    const [write] = writesTo(fake)
    expect(write?.path).toBe('/api/v2/write')
    expect(Object.fromEntries(write?.params ?? [])).toEqual({ org: 'acme', bucket: 'telemetry', precision: 'ns' })
    expect(write?.headers.authorization).toBe(`Token ${TOKEN}`)
    expect(write?.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(write?.body).toBe(toLines(readings))
    expect(fake.stored).toEqual(readings.map(toLine))
  })

  it('detects 2.x from /ping when the version is auto, and writes to the bucket named by database', async () => {
    await start2x(['forewarn'])
    const { store, records } = storeFor({ version: 'auto', bucket: '' })
    await store.open()

    await store.write([reading(0, 1)])

    expect(fake.requests.map((r) => `${r.method} ${r.path}?${r.params.toString()}`)).toEqual([
      'GET /ping?', 'POST /api/v2/write?org=acme&bucket=forewarn&precision=ns',
    ])
    expect(records).toContainEqual(expect.objectContaining({
      msg: 'InfluxDB version detected', version: 'v2.7.11', api: '2',
    }))
  })

  it('refuses to write to an auto-detected 2.x without an org, as a retryable failure, sending nothing', async () => {
    await start2x()
    const { store } = storeFor({ version: 'auto', org: '' })
    await store.open()

    await expect(store.write([reading(0, 1)])).rejects.toMatchObject({
      code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'not_found' },
      message: expect.stringContaining('FOREWARN_INFLUX_ORG'),
    })
    expect(writesTo(fake)).toEqual([])
  })

  it('reads through /query with the bucket as DBRP database, epoch ms and the token', async () => {
    await start2x()
    const { store } = storeFor({ retentionPolicy: '' })
    await store.open()
    const range = { assetId: 'pump-1', metric: 'temperature', from: T0, to: T0 + 60_000 }
    fake.answerQuery = (params) => ({
      results: [{
        statement_id: 0,
        series: [{
          name: 'telemetry',
          columns: params.get('q')?.startsWith('SELECT count') === true ? ['time', 'count'] : ['time', 'value'],
          values: params.get('q')?.startsWith('SELECT count') === true
            ? [[0, 2]]
            : [[T0, 1.5], [T0 + 1_000, 2.5]],
        }],
      }],
    })

    const points = await store.query(range)
    const count = await store.count({ assetId: 'pump-1' })

    expect(points).toEqual([{ time: T0, value: 1.5 }, { time: T0 + 1_000, value: 2.5 }])
    expect(count).toBe(2)
    const queries = fake.requests.filter((r) => r.path === '/query')
    expect(queries.map((r) => Object.fromEntries(r.params))).toEqual([
      { db: 'telemetry', epoch: 'ms', q: rangeStatement(range) },
      { db: 'telemetry', epoch: 'ms', q: countStatement({ assetId: 'pump-1' }) },
    ])
    expect(queries.every((r) => r.headers.authorization === `Token ${TOKEN}`)).toBe(true)
  })

  it('reports a bucket without DBRP mapping as a failed query with 2.x\'s message', async () => {
    await start2x()
    const { store } = storeFor({ bucket: 'elsewhere' })
    await store.open()

    await expect(store.count({})).rejects.toMatchObject({
      code: 'FW_ERR_ING_QUERY_FAILED', details: { status: 404, reason: 'database not found: elsewhere' },
    })
  })

  it('maps 2.x\'s refusals: bad token, missing bucket, 429 and 503 with Retry-After, 422 partial write', async () => {
    await start2x()
    const { store } = storeFor()
    await store.open()
    const { store: badToken } = storeFor({ token: 'wrong' })
    await badToken.open()
    const { store: noBucket } = storeFor({ bucket: 'missing' })
    await noBucket.open()
    fake.plant('telemetry', [`telemetry,asset_id=pump-1,metric=temperature value=1i ${BigInt(T0) * 1_000_000n}`])
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString()
    fake.replyToNextWrites(
      { status: 429, headers: { 'retry-after': '2', 'content-type': 'application/json' },
        body: '{"code":"too many requests","message":"rate limit exceeded"}' },
      { status: 503, headers: { 'retry-after': inTenSeconds }, body: '{"code":"unavailable","message":"busy"}' },
    )

    const throttled = store.write([reading(0, 1)]).catch((err: unknown) => err)
    const unavailable = store.write([reading(0, 1)]).catch((err: unknown) => err)

    await expect(badToken.write([reading(0, 1)])).rejects.toMatchObject({
      code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'unauthorized', status: 401, reason: 'unauthorized access' },
    })
    await expect(noBucket.write([reading(0, 1)])).rejects.toMatchObject({
      code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'not_found', status: 404, reason: 'bucket "missing" not found' },
    })
    expect(await throttled).toMatchObject({
      code: 'FW_ERR_ING_WRITE_FAILED',
      details: { failure: 'throttled', status: 429, reason: 'rate limit exceeded', retryAfterMs: 2_000 },
    })
    expect(await unavailable).toMatchObject({
      code: 'FW_ERR_ING_WRITE_FAILED', details: { failure: 'server_error', status: 503, reason: 'busy' },
    })
    const retryAfterMs = (await unavailable as { details: { retryAfterMs: number } }).details.retryAfterMs
    expect(retryAfterMs).toBeGreaterThan(5_000)
    expect(retryAfterMs).toBeLessThanOrEqual(10_000)
    await expect(store.write([reading(1_000, 2.5)])).rejects.toMatchObject({
      code: 'FW_ERR_ING_WRITE_REJECTED',
      details: {
        failure: 'rejected', status: 422,
        reason: 'failure writing points to database: partial write: field type conflict: input field "value" '
          + 'on measurement "telemetry" is type float, already exists as type integer dropped=1',
      },
    })
  })
})

describe('createIngest on InfluxDB 2.x, configured by environment variables', () => {
  function ingestFromEnv(env: Record<string, string>) {
    const { logger, records } = memoryLogger('debug')
    const config = loadConfig({
      env: {
        FOREWARN_DATA_DIR: tempDir('forewarn-influx2-'),
        FOREWARN_INFLUX_URL: fake.url,
        FOREWARN_INFLUX_VERSION: '2',
        FOREWARN_INFLUX_ORG: 'acme',
        FOREWARN_INFLUX_BUCKET: 'telemetry',
        FOREWARN_INFLUX_TOKEN: TOKEN,
        FOREWARN_INFLUX_FLUSH_INTERVAL_MS: '20',
        ...env,
      },
    })
    return { ingest: createIngest({ config, logger, metrics: new Registry() }), records }
  }

  it('stores the good lines of a batch 2.x refuses in part, and dead-letters the conflicting one', async () => {
    await start2x()
    // 2.x keeps field types per shard (7 days by default): the integer makes T0's shard conflict.
    fake.plant('telemetry', [`telemetry,asset_id=pump-1,metric=temperature value=1i ${BigInt(T0) * 1_000_000n}`])
    const { ingest } = ingestFromEnv({})
    await ingest.start()
    const later = 14 * DAY_MS
    const good = [reading(later, 2.5), reading(later + 1_000, 3.5), reading(later, 4.5, { assetId: 'pump-2' })]
    const conflicting = reading(1_000, 9.5)

    await ingest.accept([good[0] as Reading, conflicting, ...good.slice(1)])
    await ingest.flush()

    expect(ingest.stats()).toMatchObject({ accepted: 4, stored: 3, deadLettered: 1, pending: 0 })
    expect(fake.stored.filter((line) => !line.endsWith('i ' + String(BigInt(T0) * 1_000_000n))).sort())
      .toEqual(good.map(toLine).sort())
    expect(ingest.deadLetters().map((d) => [d.reading, d.kind, d.status])).toEqual([
      [conflicting, 'field_type_conflict', 422],
    ])
    expect(ingest.deadLetters()[0]?.reason)
      .toMatch(/^failure writing points to database: partial write: field type conflict: .* dropped=1$/)
    await ingest.stop()
  })

  it('waits for 429 Retry-After, then stores the batch once', async () => {
    await start2x()
    const body = '{"code":"too many requests","message":"slow down"}'
    fake.replyToNextWrites({ status: 429, headers: { 'retry-after': '1' }, body })
    const { ingest, records } = ingestFromEnv({})
    await ingest.start()
    const readings = [reading(0, 1.5), reading(1_000, 2.5)]

    await ingest.accept(readings)
    await ingest.flush()

    expect(fake.stored).toEqual(readings.map(toLine))
    expect(writesTo(fake).map((r) => r.body)).toEqual([toLines(readings), toLines(readings)])
    expect(records).toContainEqual(expect.objectContaining({
      msg: 'telemetry batch write failed', retryInMs: 1_000, code: 'FW_ERR_ING_WRITE_FAILED',
    }))
    expect(ingest.stats()).toMatchObject({ stored: 2, failedWrites: 1, pending: 0 })
    await ingest.stop()
  })
})
