import { Point } from '@influxdata/influxdb-client'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Reading } from '../../core/index.js'
import { parseLine, toLine, toLines } from '../../ingest/index.js'
import { pointNanoseconds } from '../../ingest/point-identity.js'
import { T0, reading } from './fixtures.js'

/** What the client library's Point writes for a reading: the reference toLine must match. */
function pointLine(r: Reading): string | undefined {
  return new Point('telemetry')
    .tag('asset_id', r.assetId).tag('device_id', r.deviceId).tag('site_id', r.tags.siteId)
    .tag('customer_id', r.tags.customerId).tag('equipment_type', r.tags.equipmentType).tag('metric', r.metric)
    .floatField('value', r.value)
    .timestamp(pointNanoseconds(r.time, r.value))
    .toLineProtocol({ convertTime: (time) => (time === undefined ? undefined : String(time)) })
}

/** Tag text as validation lets it through: no control characters, no backslash. */
const tagText = fc.string({ unit: fc.constantFrom('a', 'Z', '9', '-', '_', '.', ' ', ',', '=', 'é', '"') })
const arbitraryReading = fc.record({
  deviceId: tagText, assetId: tagText.filter((t) => t !== ''), metric: tagText.filter((t) => t !== ''),
  time: fc.integer({ min: -2e12, max: 4e12 }), value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  tags: fc.record({ siteId: tagText, customerId: tagText, equipmentType: tagText }),
})

describe('toLine', () => {
  it('writes exactly what the client library\'s Point writes, escapes and empty tags included', () => {
    fc.assert(fc.property(arbitraryReading, (r) => toLine(r) === pointLine(r)))
  })

  it('writes one line per reading, tags in key order and the value as a float', () => {
    const line = reading(0, 54, { assetId: 'pump 1', metric: 'a,b=c' })

    expect(toLines([line, reading(1, 2.5)])).toBe([
      `telemetry,asset_id=pump\\ 1,customer_id=acme,device_id=dev-1,equipment_type=pump,metric=a\\,b\\=c,site_id=site-north value=54 ${pointNanoseconds(T0, 54)}`,
      `telemetry,asset_id=pump-1,customer_id=acme,device_id=dev-1,equipment_type=pump,metric=temperature,site_id=site-north value=2.5 ${pointNanoseconds(T0 + 1, 2.5)}`,
    ].join('\n'))
  })
})

describe('parseLine', () => {
  it('gives back the reading toLine wrote, with time in whole milliseconds', () => {
    fc.assert(fc.property(arbitraryReading, (r) => {
      const back = parseLine(toLine(r))
      return back !== undefined && Object.is(back.value, r.value === 0 ? 0 : r.value)
        && back.time === r.time && back.assetId === r.assetId && back.metric === r.metric
        && back.deviceId === r.deviceId && back.tags.siteId === r.tags.siteId
        && back.tags.customerId === r.tags.customerId && back.tags.equipmentType === r.tags.equipmentType
    }))
  })

  it('returns undefined for lines of another shape', () => {
    const lines = ['garbage', 'cpu,host=a value=1 5', 'telemetry,asset_id=a value= 5', 'telemetry,asset_id=a value=1i 5']

    expect(lines.map(parseLine)).toEqual([undefined, undefined, undefined, undefined])
  })
})
