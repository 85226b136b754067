/**
 * Which InfluxDB generation a server is, and the endpoints Forewarn uses on each. Writes take
 * each generation's own write API, because that is where its refusals are reported best; reads
 * take the v1 /query endpoint with InfluxQL on all three, so one query builder (tested against
 * a real 1.x) serves every generation:
 *
 * | | write | read |
 * | --- | --- | --- |
 * | 1.x | POST /write?db&rp&precision=ns | GET /query?db&rp&epoch=ms&q |
 * | 2.x | POST /api/v2/write?org&bucket&precision=ns | GET /query?db=<bucket>&rp&epoch=ms&q (DBRP) |
 * | 3.x | POST /api/v3/write_lp?db&precision=nanosecond&accept_partial=true | GET /query?db&epoch=ms&q |
 *
 * Why /api/v3/write_lp on 3.x and not /api/v2/write: 3.x Core and Enterprise answer a partial
 * write on /api/v2/write through their v2 error mapping, which has no case for it and says
 * HTTP 500 `{"code":"internal error","message":"partial write of line protocol occurred"}`
 * (influxdb3_server/src/http.rs, V2WriteApiError::to_code). A 500 is retried, so one bad line
 * would stall the spool. /api/v3/write_lp answers 400 and names every refused line
 * (`data[].line_number`), so the good lines are kept and only the named ones dead-lettered.
 */
export type InfluxFlavour = '1' | '2' | '3'

/** influx.version: a generation, or 'auto' to ask the server's /ping once. */
export type InfluxVersion = 'auto' | InfluxFlavour

/** Names a request needs; `bucket` falls back to `database` (config: influx.*). */
export interface InfluxTarget {
  database: string
  retentionPolicy: string
  org: string
  bucket: string
}

/**
 * The generation a /ping answer announces in X-Influxdb-Version (`1.6.7`, `v2.7.11`,
 * `3.3.0`) or, on 3.x, in its JSON body `{"version": …}`; undefined if it names none.
 */
export function flavourOfVersion(version: unknown): InfluxFlavour | undefined {
  if (typeof version !== 'string') return undefined
  const match = /^v?(\d+)\./.exec(version.trim())
  if (match === null) return undefined
  const major = Number(match[1])
  if (major <= 1) return '1'
  return major === 2 ? '2' : '3'
}

/** 2.x bucket or 3.x database: influx.bucket, else influx.database. */
export function bucketOf(target: InfluxTarget): string {
  return target.bucket === '' ? target.database : target.bucket
}

/** Path and query string of a write of nanosecond line protocol. */
export function writePath(flavour: InfluxFlavour, target: InfluxTarget): string {
  if (flavour === '2') {
    const params = new URLSearchParams({ org: target.org, bucket: bucketOf(target), precision: 'ns' })
    return `/api/v2/write?${params.toString()}`
  }
  if (flavour === '3') {
    const params = new URLSearchParams({
      db: bucketOf(target), precision: 'nanosecond', accept_partial: 'true',
    })
    return `/api/v3/write_lp?${params.toString()}`
  }
  return `/write?${v1Params(target.database, target.retentionPolicy, { precision: 'ns' })}`
}

/**
 * Path and query string of an InfluxQL statement, timestamps in epoch ms. On 2.x the database
 * is the bucket's name, which every bucket has as a virtual DBRP mapping; 3.x has no retention
 * policies to name.
 */
export function queryPath(flavour: InfluxFlavour, target: InfluxTarget, statement: string): string {
  const extra = { epoch: 'ms', q: statement }
  if (flavour === '2') return `/query?${v1Params(bucketOf(target), target.retentionPolicy, extra)}`
  if (flavour === '3') return `/query?${v1Params(bucketOf(target), '', extra)}`
  return `/query?${v1Params(target.database, target.retentionPolicy, extra)}`
}

function v1Params(db: string, rp: string, extra: Record<string, string>): string {
  const params = new URLSearchParams({ db })
  if (rp !== '') params.set('rp', rp)
  for (const [key, value] of Object.entries(extra)) params.set(key, value)
  return params.toString()
}
