import { Point } from '@influxdata/influxdb-client'
import type { Reading } from '../core/index.js'
import { pointNanoseconds } from './point-identity.js'

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
 */
export const MEASUREMENT = 'telemetry'

/** Timestamps are already epoch-nanosecond strings (see point-identity.ts); pass them through. */
function nanosecondTimestamp(time: string | number | Date | undefined): string | undefined {
  return time === undefined ? undefined : String(time)
}

/**
 * One reading as one line. `value` is always a float field: line protocol reads `20` as a
 * float and only `20i` as an integer, and a shard keeps the first type it saw, so writing
 * integers would make a later 20.5 fail with "field type conflict".
 */
export function toLine(reading: Reading): string {
  const point = new Point(MEASUREMENT)
    .tag('asset_id', reading.assetId)
    .tag('device_id', reading.deviceId)
    .tag('site_id', reading.tags.siteId)
    .tag('customer_id', reading.tags.customerId)
    .tag('equipment_type', reading.tags.equipmentType)
    .tag('metric', reading.metric)
    .floatField('value', reading.value)
    .timestamp(pointNanoseconds(reading.time, reading.value))
  const line = point.toLineProtocol({ convertTime: nanosecondTimestamp })
  if (line !== undefined) return line
  throw new TypeError(`reading of asset ${reading.assetId} produced no line protocol`)
}

/** The body of one /write request. */
export function toLines(readings: readonly Reading[]): string {
  return readings.map(toLine).join('\n')
}
