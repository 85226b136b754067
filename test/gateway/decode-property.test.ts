import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeTelemetry, EARLIEST_MS, LATEST_MS, metricNameProblem, REFUSAL_CODES, type DecodedTelemetry,
} from '../../gateway/index.js'
import { decodeFault } from '../../gateway/handlers/events.js'
import { decodeStatus } from '../../gateway/handlers/status.js'

const ARRIVED_AT = Date.UTC(2026, 11, 3, 17)
const TS = ARRIVED_AT - 60_000
const RUNS = { numRuns: 500 }

/** The decoder's contract: Readings or reasoned refusals, never neither, never anything else. */
function expectReasoned(decoded: DecodedTelemetry): void {
  expect(decoded.samples.length + decoded.refusals.length).toBeGreaterThan(0)
  for (const refusal of decoded.refusals) {
    expect(Object.keys(REFUSAL_CODES)).toContain(refusal.reason)
    expect(refusal.detail).toMatch(/\S/)
  }
  for (const sample of decoded.samples) {
    expect(metricNameProblem(sample.metric)).toBeNull()
    expect(Number.isFinite(sample.value)).toBe(true)
    expect(Number.isInteger(sample.time) && sample.time >= EARLIEST_MS && sample.time < LATEST_MS).toBe(true)
  }
}

const anyText = fc.string({ unit: 'binary', maxLength: 40 })
const metricValue = fc.oneof(
  fc.double(), fc.integer(), fc.boolean(), fc.constant(null), anyText, fc.constant(''), fc.jsonValue({ maxDepth: 2 }),
)
const timestamp = fc.oneof(
  fc.integer({ min: -1e15, max: 1e20 }), fc.double(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  anyText, fc.constant(undefined),
)

describe('telemetry decoder properties', () => {
  it('answers arbitrary bytes with Readings or reasoned refusals, never a throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      expectReasoned(decodeTelemetry(Buffer.from(bytes), ARRIVED_AT))
    }), RUNS)
  })

  it('answers arbitrary JSON with Readings or reasoned refusals, never a throw', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      expectReasoned(decodeTelemetry(Buffer.from(JSON.stringify(value) ?? ''), ARRIVED_AT))
    }), RUNS)
  })

  it('accounts for every metric of a reading set: a Reading or a refusal each', () => {
    // The reserved keys would change the form, not add a metric.
    const name = anyText.filter((key) => !['ts', 'metrics', 'values'].includes(key))
    const metrics = fc.dictionary(name, metricValue, { maxKeys: 20 })
    fc.assert(fc.property(metrics, fc.boolean(), (dict, isFlat) => {
      const payload = isFlat ? { ...dict, ts: TS } : { ts: TS, metrics: dict }
      const count = Object.keys(dict).length
      const decoded = decodeTelemetry(Buffer.from(JSON.stringify(payload)), ARRIVED_AT)

      expectReasoned(decoded)
      expect(decoded.samples.length + decoded.refusals.length).toBe(Math.max(1, count))
    }), RUNS)
  })

  it('gives every entry of a batch its own time or a timestamp refusal', () => {
    const entry = fc.record({ ts: timestamp, a: fc.double({ noNaN: true, noDefaultInfinity: true }) })
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 20 }), (entries) => {
      const decoded = decodeTelemetry(Buffer.from(JSON.stringify(entries)), ARRIVED_AT)

      expectReasoned(decoded)
      expect(decoded.samples.length + decoded.refusals.length).toBe(entries.length)
    }), RUNS)
  })

  it('never throws from the status and fault decoders either', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? ''))), (payload) => {
      const status = decodeStatus(payload, ARRIVED_AT)
      const fault = decodeFault(payload, ARRIVED_AT)

      expect(status.ok || Object.keys(REFUSAL_CODES).includes(status.refusal.reason)).toBe(true)
      expect(fault.ok || Object.keys(REFUSAL_CODES).includes(fault.refusal.reason)).toBe(true)
    }), RUNS)
  })
})
