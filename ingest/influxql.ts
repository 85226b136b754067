import { z } from 'zod'
import { QueryFailedError } from './errors.js'
import { MEASUREMENT } from './line-protocol.js'
import type { CountQuery, RangeQuery, SeriesPoint } from './types.js'

/**
 * InfluxQL for the v1 /query endpoint (1.x, and 2.x/3.x through their v1 compatibility).
 * Flux would be 2.x-only and SQL 3.x-only; InfluxQL is the one language all three accept.
 */

const NO_LIMIT = Number.MAX_SAFE_INTEGER

/** String literal: InfluxQL understands only \\ and \' escapes here (and rejects raw newlines). */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, '\\\'').replace(/\n/g, '\\n')}'`
}

function timeRange(from: number | undefined, to: number | undefined): string[] {
  const conditions: string[] = []
  if (from !== undefined) conditions.push(`time >= ${from}ms`)
  if (to !== undefined) conditions.push(`time < ${to}ms`)
  return conditions
}

/**
 * Downsampled buckets use GROUP BY time(), which aligns buckets to the epoch and labels each
 * with its start; fill(none) leaves out empty buckets, as the embedded store does.
 */
export function rangeStatement(q: RangeQuery): string {
  const where = [
    `asset_id = ${quoteString(q.assetId)}`,
    `metric = ${quoteString(q.metric)}`,
    ...timeRange(q.from, q.to),
  ].join(' AND ')
  const parts = q.everyMs === undefined
    ? [`SELECT value FROM ${MEASUREMENT} WHERE ${where}`]
    : [
        `SELECT ${q.aggregate ?? 'mean'}(value) FROM ${MEASUREMENT} WHERE ${where}`,
        `GROUP BY time(${q.everyMs}ms) fill(none)`,
      ]
  parts.push('ORDER BY time ASC')
  // InfluxDB 1.x returns a single row for OFFSET without LIMIT, so an explicit no-limit is sent.
  if (q.limit !== undefined || q.offset !== undefined) parts.push(`LIMIT ${q.limit ?? NO_LIMIT}`)
  if (q.offset !== undefined) parts.push(`OFFSET ${q.offset}`)
  return parts.join(' ')
}

export function countStatement(q: CountQuery): string {
  const conditions = [
    ...(q.assetId === undefined ? [] : [`asset_id = ${quoteString(q.assetId)}`]),
    ...(q.metric === undefined ? [] : [`metric = ${quoteString(q.metric)}`]),
    ...timeRange(q.from, q.to),
  ]
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`
  return `SELECT count(value) FROM ${MEASUREMENT}${where}`
}

const responseSchema = z.object({
  error: z.string().optional(),
  results: z.array(z.object({
    error: z.string().optional(),
    series: z.array(z.object({
      columns: z.array(z.string()),
      values: z.array(z.array(z.unknown())),
    })).optional(),
  })).optional(),
})

/** Rows of the single statement, as [time, value]; statement errors arrive with HTTP 200. */
function statementRows(body: unknown, statement: string): unknown[][] {
  const parsed = responseSchema.safeParse(body)
  if (!parsed.success) {
    throw new QueryFailedError('InfluxDB answered /query with an unexpected body', {
      details: { statement, issues: parsed.error.issues.map((i) => i.message) },
    })
  }
  const result = parsed.data.results?.[0]
  const error = parsed.data.error ?? result?.error
  if (error !== undefined) {
    const details = { statement, reason: error }
    throw new QueryFailedError(`InfluxDB refused the query: ${error}`, { details })
  }
  return (result?.series ?? []).flatMap((series) => series.values)
}

/** Points in time order; rows whose value is null (no data in the bucket) are left out. */
export function parseSeries(body: unknown, statement: string): SeriesPoint[] {
  const points: SeriesPoint[] = []
  for (const [time, value] of statementRows(body, statement)) {
    if (typeof time !== 'number' || typeof value !== 'number') continue
    points.push({ time, value })
  }
  return points
}

export function parseCount(body: unknown, statement: string): number {
  const row = statementRows(body, statement)[0]
  const value = row?.[1]
  return typeof value === 'number' ? value : 0
}
