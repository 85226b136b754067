import type { Reading } from '../core/index.js'
import { millisecondOf, pointNanoseconds } from './point-identity.js'

/**
 * The telemetry schema, shared by every InfluxDB generation:
 *
 *   telemetry,asset_id=…,customer_id=…,device_id=…,equipment_type=…,metric=…,site_id=…
 *     value=<float> <epoch ns>
 *
 * Only identifiers are tags, never measured values, so the series count is bounded by
 * assets × metrics (site, customer and equipment type are functions of the asset; a device
 * swap adds one series). Unbounded tag values would grow InfluxDB's in-memory index until it
 * hits max-series-per-database and starts refusing writes.
 *
 * Lines are built by hand rather than with the client library's Point: this runs for every
 * reading before its acknowledgement, and the output is byte for byte what Point produces
 * (tags in key order, empty tags left out, the same escapes; a test holds the two together).
 */
export const MEASUREMENT = 'telemetry'

/** Characters line protocol escapes in tag values, and the escape Point writes for each. */
const TAG_SPECIAL = /[,= \t\n\r]/
const TAG_SPECIAL_ALL = /[,= \t\n\r]/g
const TAG_ESCAPES: Record<string, string> = {
  ',': '\\,', '=': '\\=', ' ': '\\ ', '\t': '\\t', '\n': '\\n', '\r': '\\r',
}

function escapeTag(value: string): string {
  if (!TAG_SPECIAL.test(value)) return value
  return value.replace(TAG_SPECIAL_ALL, (char) => TAG_ESCAPES[char] ?? char)
}

function tag(key: string, value: string): string {
  return value === '' ? '' : `,${key}=${escapeTag(value)}`
}

/**
 * One reading as one line. `value` is always a float field: line protocol reads `20` as a
 * float and only `20i` as an integer, and a shard keeps the first type it saw, so writing
 * integers would make a later 20.5 fail with "field type conflict".
 */
export function toLine(reading: Reading): string {
  const nanos = pointNanoseconds(reading.time, reading.value)
  return `${lineHead(reading)}${String(reading.value)} ${nanos}`
}

/** Everything of a line before the value: the same for every reading of one series. */
export function lineHead(reading: Reading): string {
  const { tags } = reading
  return MEASUREMENT
    + tag('asset_id', reading.assetId)
    + tag('customer_id', tags.customerId)
    + tag('device_id', reading.deviceId)
    + tag('equipment_type', tags.equipmentType)
    + tag('metric', reading.metric)
    + tag('site_id', tags.siteId)
    + ' value='
}

/** The body of one /write request: one line per reading. */
export function toLines(readings: readonly Reading[]): string {
  let body = ''
  for (let i = 0; i < readings.length; i++) {
    body += i === 0 ? toLine(readings[i] as Reading) : `\n${toLine(readings[i] as Reading)}`
  }
  return body
}

/** Splits at separators that are not escaped with a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = []
  let start = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i += 1
    else if (text[i] === separator) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}

const UNESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r' }

function unescapeTag(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => UNESCAPES[char] ?? char)
}

/**
 * The reading a line written by toLine() stands for, or undefined for any other text. Time
 * comes back in whole milliseconds (toLine rounds); the store and dead letters use this.
 */
export function parseLine(line: string): Reading | undefined {
  const [head, field, nanos, extra] = splitUnescaped(line, ' ')
  const isFour = head !== undefined && field !== undefined && nanos !== undefined
  if (!isFour || extra !== undefined) return undefined
  if (!field.startsWith('value=') || !/^-?\d+$/.test(nanos)) return undefined
  const text = field.slice('value='.length)
  const value = Number(text)
  if (text === '' || !Number.isFinite(value)) return undefined

  const [measurement, ...pairs] = splitUnescaped(head, ',')
  if (measurement !== MEASUREMENT) return undefined
  const tags = new Map<string, string>()
  for (const pair of pairs) {
    const [key, text, rest] = splitUnescaped(pair, '=')
    if (key === undefined || text === undefined || rest !== undefined) return undefined
    tags.set(key, unescapeTag(text))
  }
  return {
    deviceId: tags.get('device_id') ?? '',
    assetId: tags.get('asset_id') ?? '',
    metric: tags.get('metric') ?? '',
    time: millisecondOf(nanos),
    value,
    tags: {
      siteId: tags.get('site_id') ?? '',
      customerId: tags.get('customer_id') ?? '',
      equipmentType: tags.get('equipment_type') ?? '',
    },
  }
}
