/**
 * The embedded telemetry store: one SQLite file (better-sqlite3) at
 * `<data.dir>/telemetry.sqlite`, used when no InfluxDB URL is configured.
 *
 * Why SQLite: `npm run demo` and a single-box install must work with no server to set up, and
 * the project already depends on better-sqlite3 for its operational store, so this adds no
 * dependency and no process. It mirrors InfluxDB where it matters to callers:
 * - the table is keyed (asset_id, metric, time, offset), the same point identity as the
 *   InfluxDB schema (series, millisecond and a value-derived sub-millisecond offset, see
 *   point-identity.ts), so a retried batch never duplicates data and a clock that steps back
 *   never overwrites different values;
 * - downsampling groups by epoch-aligned time buckets labelled with their start, like
 *   InfluxQL's GROUP BY time() with fill(none).
 * WAL lets API queries read while a batch is being written; synchronous=FULL makes a write
 * durable once it returns, which is what "stored" promises. Limits: one writer process per file,
 * and no retention or compaction, so this is for demos and small fleets, not production volume.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Reading } from '../core/index.js'
import { StoreUnavailableError, WriteFailedError, WriteRejectedError } from './errors.js'
import { parseLine } from './line-protocol.js'
import type {
  CountQuery, RangeQuery, SeriesPoint, TelemetryStore, WriteLinesOptions,
} from './types.js'
import { validateCountQuery, validateRangeQuery } from './validate.js'
import { subMillisecondOffset } from './point-identity.js'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS telemetry (
    asset_id TEXT NOT NULL,
    metric TEXT NOT NULL,
    time INTEGER NOT NULL,
    time_offset INTEGER NOT NULL,
    value REAL NOT NULL,
    device_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    equipment_type TEXT NOT NULL,
    PRIMARY KEY (asset_id, metric, time, time_offset)
  ) WITHOUT ROWID`

const UPSERT = `
  INSERT INTO telemetry
    (asset_id, metric, time, time_offset, value, device_id, site_id, customer_id, equipment_type)
  VALUES (@assetId, @metric, @time, @timeOffset, @value, @deviceId, @siteId, @customerId, @equipmentType)
  ON CONFLICT (asset_id, metric, time, time_offset) DO UPDATE SET
    value = excluded.value, device_id = excluded.device_id, site_id = excluded.site_id,
    customer_id = excluded.customer_id, equipment_type = excluded.equipment_type`

/** Floor to the bucket start, also for times before 1970 (SQLite's % truncates toward zero). */
const BUCKET = 'time - (((time % @everyMs) + @everyMs) % @everyMs)'

const AGGREGATE_SQL = { mean: 'avg(value)', min: 'min(value)', max: 'max(value)' } as const

/** Constraint failures are about the data; anything else (busy, full disk, I/O) may pass. */
function toWriteError(err: unknown, points: number): Error {
  const code = (err as { code?: unknown } | null)?.code
  const message = err instanceof Error ? err.message : String(err)
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    const details = { failure: 'rejected' as const, points, reason: message }
    return new WriteRejectedError(`SQLite rejected the points: ${message}`, details, { cause: err })
  }
  const details = { failure: 'unknown' as const, points, reason: message }
  return new WriteFailedError(`SQLite write failed: ${message}`, details, { cause: err })
}

class EmbeddedStore implements TelemetryStore {
  readonly kind = 'embedded' as const
  readonly #file: string
  #db: Database.Database | undefined
  #upsert: Database.Statement | undefined

  constructor(file: string) {
    this.#file = file
  }

  async open(): Promise<void> {
    if (this.#db !== undefined) return
    const file = this.#file
    try {
      mkdirSync(dirname(file), { recursive: true })
      const db = new Database(file)
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
      db.exec(SCHEMA)
      this.#upsert = db.prepare(UPSERT)
      this.#db = db
    } catch (err: unknown) {
      const message = err instanceof Error ? err.message : String(err)
      throw new StoreUnavailableError(`embedded store ${file} could not be opened: ${message}`, {
        cause: err, details: { file },
      })
    }
  }

  async write(readings: Reading[]): Promise<void> {
    if (readings.length === 0) return
    const db = this.#requireOpen()
    const upsert = this.#upsert ?? db.prepare(UPSERT)
    const insertAll = db.transaction((rows: Reading[]) => {
      for (const r of rows) {
        upsert.run({
          assetId: r.assetId,
          metric: r.metric,
          time: Math.round(r.time),
          timeOffset: subMillisecondOffset(r.value),
          value: r.value,
          deviceId: r.deviceId,
          siteId: r.tags.siteId,
          customerId: r.tags.customerId,
          equipmentType: r.tags.equipmentType,
        })
      }
    })
    try {
      insertAll(readings)
    } catch (err: unknown) {
      throw toWriteError(err, readings.length)
    }
  }

  async writeLines(body: Buffer, options: WriteLinesOptions): Promise<void> {
    if (body.length === 0) return
    const readings: Reading[] = []
    for (const line of body.toString('utf8').split('\n')) {
      const reading = parseLine(line)
      if (reading === undefined) {
        const reason = `unable to parse '${line}'`
        const details = { failure: 'rejected' as const, points: options.points, reason }
        throw new WriteRejectedError(`SQLite store rejected a line: ${reason}`, details)
      }
      readings.push(reading)
    }
    await this.write(readings)
  }

  async query(q: RangeQuery): Promise<SeriesPoint[]> {
    validateRangeQuery(q)
    const db = this.#requireOpen()
    const where = 'asset_id = @assetId AND metric = @metric AND time >= @from AND time < @to'
    const sql = q.everyMs === undefined
      ? `SELECT time, value FROM telemetry WHERE ${where} ORDER BY time, time_offset`
      : `SELECT ${BUCKET} AS time, ${AGGREGATE_SQL[q.aggregate ?? 'mean']} AS value FROM telemetry
         WHERE ${where} GROUP BY 1 ORDER BY 1`
    const params = {
      assetId: q.assetId,
      metric: q.metric,
      from: q.from,
      to: q.to,
      limit: q.limit ?? -1,
      offset: q.offset ?? 0,
      ...(q.everyMs === undefined ? {} : { everyMs: q.everyMs }),
    }
    return db.prepare(`${sql} LIMIT @limit OFFSET @offset`).all(params) as SeriesPoint[]
  }

  async count(q: CountQuery): Promise<number> {
    validateCountQuery(q)
    const db = this.#requireOpen()
    const conditions = [
      q.assetId === undefined ? '' : 'asset_id = @assetId',
      q.metric === undefined ? '' : 'metric = @metric',
      q.from === undefined ? '' : 'time >= @from',
      q.to === undefined ? '' : 'time < @to',
    ].filter((c) => c !== '')
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`
    const params = { assetId: q.assetId, metric: q.metric, from: q.from, to: q.to }
    const row = db.prepare(`SELECT count(*) AS n FROM telemetry${where}`).get(params)
    return (row as { n: number }).n
  }

  async ping(): Promise<boolean> {
    if (this.#db === undefined) return false
    try {
      this.#db.prepare('SELECT 1').get()
      return true
    } catch {
      // A database that cannot answer SELECT 1 (closed, corrupt, unreadable) is not ready.
      return false
    }
  }

  async close(): Promise<void> {
    this.#db?.close()
    this.#db = undefined
    this.#upsert = undefined
  }

  #requireOpen(): Database.Database {
    if (this.#db !== undefined) return this.#db
    const file = this.#file
    throw new StoreUnavailableError(`embedded store ${file} is not open (call open() first)`, {
      details: { file },
    })
  }
}

/** The serverless telemetry store: a SQLite file, used when config.influx.url is empty. */
export function createEmbeddedStore(options: { file: string }): TelemetryStore {
  return new EmbeddedStore(options.file)
}
