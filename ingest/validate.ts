import type { Reading } from '../core/index.js'
import { QueryInvalidError, ReadingInvalidError } from './errors.js'
import type { CountQuery, RangeQuery } from './types.js'

/**
 * Control characters and backslashes cannot round-trip through InfluxDB line protocol tags:
 * 1.x leaves `\n` escapes unresolved and a trailing backslash swallows the next separator.
 * Fleet ids already exclude them; this keeps both stores identical for any other caller.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_TAG_CHARS = /[\u0000-\u001f\u007f\\]/

const AGGREGATES = new Set(['mean', 'min', 'max'])

/** What is wrong with a reading: the field and a message naming the value received. */
export interface ReadingProblem {
  field: string
  message: string
}

/** The error for reading `index` of an accept() call. */
export function readingInvalid(
  reading: Reading, index: number, problem: ReadingProblem,
): ReadingInvalidError {
  const { field, message } = problem
  return new ReadingInvalidError(`readings[${index}].${field} ${message}`, {
    details: { index, field, assetId: reading.assetId, deviceId: reading.deviceId },
  })
}

/** Value and time must be finite numbers. */
export function numberProblem(reading: Reading): ReadingProblem | undefined {
  if (!Number.isFinite(reading.value)) {
    return { field: 'value', message: `must be a finite number, got ${reading.value}` }
  }
  if (!Number.isFinite(reading.time)) {
    return { field: 'time', message: `must be epoch ms, got ${reading.time}` }
  }
  return undefined
}

/** Ids and tags must be strings that line protocol carries faithfully. */
export function textProblem(reading: Reading): ReadingProblem | undefined {
  const texts: Array<[string, unknown]> = [
    ['assetId', reading.assetId], ['metric', reading.metric], ['deviceId', reading.deviceId],
    ['tags.siteId', reading.tags?.siteId], ['tags.customerId', reading.tags?.customerId],
    ['tags.equipmentType', reading.tags?.equipmentType],
  ]
  for (const [field, text] of texts) {
    if (typeof text !== 'string') return { field, message: 'must be a string' }
    if (UNSAFE_TAG_CHARS.test(text)) {
      return { field, message: 'contains a control character or backslash' }
    }
  }
  if (reading.assetId === '') return { field: 'assetId', message: 'must not be empty' }
  if (reading.metric === '') return { field: 'metric', message: 'must not be empty' }
  return undefined
}

/** Throws FW_ERR_ING_QUERY_INVALID naming the field at fault and the value received. */
export function validateRangeQuery(q: RangeQuery): void {
  requireText('assetId', q.assetId)
  requireText('metric', q.metric)
  requireEpoch('from', q.from)
  requireEpoch('to', q.to)
  if (q.to < q.from) fail('to', q.to, `must not be before from (${q.from})`)

  if (q.everyMs !== undefined && !(Number.isSafeInteger(q.everyMs) && q.everyMs > 0)) {
    fail('everyMs', q.everyMs, 'must be a positive whole number of milliseconds')
  }
  if (q.aggregate !== undefined && !AGGREGATES.has(q.aggregate)) {
    fail('aggregate', q.aggregate, 'must be mean, min or max')
  }
  if (q.aggregate !== undefined && q.everyMs === undefined) {
    fail('aggregate', q.aggregate, 'needs everyMs')
  }
  requireCount('limit', q.limit)
  requireCount('offset', q.offset)
}

/** Throws FW_ERR_ING_QUERY_INVALID for a present field with an unusable value. */
export function validateCountQuery(q: CountQuery): void {
  if (q.assetId !== undefined) requireText('assetId', q.assetId)
  if (q.metric !== undefined) requireText('metric', q.metric)
  if (q.from !== undefined) requireEpoch('from', q.from)
  if (q.to !== undefined) requireEpoch('to', q.to)
}

function requireText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') fail(field, value, 'must be a non-empty string')
}

function requireEpoch(field: string, value: unknown): void {
  if (!Number.isSafeInteger(value)) fail(field, value, 'must be whole epoch milliseconds')
}

function requireCount(field: string, value: number | undefined): void {
  if (value === undefined) return
  if (Number.isSafeInteger(value) && value >= 0) return
  fail(field, value, 'must be a whole number >= 0')
}

function fail(field: string, value: unknown, message: string): never {
  const details = { field, value }
  throw new QueryInvalidError(`${field} ${message}, got ${String(value)}`, { details })
}
