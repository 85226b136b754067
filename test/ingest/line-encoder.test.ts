import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toLines } from '../../ingest/index.js'
import { LineEncoder } from '../../ingest/line-encoder.js'
import { encodeFrame } from '../../ingest/spool-frame.js'
import { reading } from './fixtures.js'

const tagText = fc.string({ unit: fc.constantFrom('a', 'Z', '9', '-', ' ', ',', '=', 'é', '水') })
const arbitraryReading = fc.record({
  deviceId: fc.constantFrom('dev-1', 'dev 2', 'dév-3'),
  assetId: fc.constantFrom('pump-1', 'pump,2'),
  metric: fc.constantFrom('temperature', 'flow rate'),
  time: fc.integer({ min: -2e12, max: 4e12 }),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  tags: fc.record({ siteId: tagText, customerId: tagText, equipmentType: tagText }),
})

describe('LineEncoder', () => {
  it('writes the frame of toLines() for any readings, also when series repeat with other tags', () => {
    const encoder = new LineEncoder()
    fc.assert(fc.property(fc.array(arbitraryReading, { minLength: 1, maxLength: 8 }), (readings) =>
      encoder.encodeFrame(readings).equals(encodeFrame(toLines(readings)))))
  })

  it('refuses a call with a bad reading, naming it, even after its series was seen', () => {
    const encoder = new LineEncoder()
    encoder.encodeFrame([reading(0, 1)])

    expect(() => encoder.encodeFrame([reading(1, 2), reading(2, Number.POSITIVE_INFINITY)])).toThrow(
      expect.objectContaining({ code: 'FW_ERR_ING_READING_INVALID', message: 'readings[1].value must be a finite number, got Infinity' }),
    )
    expect(() => encoder.encodeFrame([reading(3, 4, { deviceId: 'dev\\1' })])).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ index: 0, field: 'deviceId' }) }),
    )
  })
})
