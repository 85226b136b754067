import { describe, expect, it } from 'vitest'
import { decodeTelemetry } from '../../gateway/index.js'
import { decodeStatus } from '../../gateway/handlers/status.js'
import { decodeFault } from '../../gateway/handlers/events.js'

const ARRIVED_AT = 1_700_000_000_000
const TS = 1_699_999_990_000

function telemetry(value: unknown): ReturnType<typeof decodeTelemetry> {
  return decodeTelemetry(Buffer.from(JSON.stringify(value)), ARRIVED_AT)
}

describe('decodeTelemetry', () => {
  it('reads the envelope form with an epoch-ms timestamp', () => {
    expect(telemetry({ ts: TS, metrics: { vibration_rms: 3.5, bearing_temp: 61 } })).toEqual({
      samples: [
        { metric: 'vibration_rms', time: TS, value: 3.5 },
        { metric: 'bearing_temp', time: TS, value: 61 },
      ],
      refusals: [],
    })
  })

  it('reads an ISO 8601 timestamp with a zone offset', () => {
    const decoded = telemetry({ ts: '2023-11-14T23:13:10.000+01:00', metrics: { flow_rate: 120 } })

    expect(decoded.samples).toEqual([{ metric: 'flow_rate', time: Date.UTC(2023, 10, 14, 22, 13, 10), value: 120 }])
  })

  it('uses the arrival time when ts is missing', () => {
    expect(telemetry({ flow_rate: 120 }).samples).toEqual([{ metric: 'flow_rate', time: ARRIVED_AT, value: 120 }])
  })

  it('reads the flat form and a batch mixing both forms', () => {
    const decoded = telemetry([{ ts: TS, motor_temp: 40 }, { ts: TS + 1000, metrics: { motor_temp: 41 } }])

    expect(decoded).toEqual({
      samples: [{ metric: 'motor_temp', time: TS, value: 40 }, { metric: 'motor_temp', time: TS + 1000, value: 41 }],
      refusals: [],
    })
  })

  it('refuses a non-finite or non-number value and keeps the other metrics', () => {
    const decoded = decodeTelemetry(Buffer.from(`{"ts":${TS},"a":1e999,"b":"7","c":null,"d":2}`), ARRIVED_AT)

    expect(decoded.samples).toEqual([{ metric: 'd', time: TS, value: 2 }])
    expect(decoded.refusals.map((r) => [r.reason, r.detail])).toEqual([
      ['value_not_finite', 'a: Infinity is not a finite number'],
      ['value_not_number', 'b: expected a number, got the string "7"'],
      ['value_not_number', 'c: expected a number, got null'],
    ])
  })

  it('refuses metric names outside the allowed alphabet and length', () => {
    // Raw JSON: in an object literal "__proto__" would set the prototype instead of a key.
    const json = `{"ts":${TS},"1st":1,"has space":2,"${'x'.repeat(65)}":3,"ok.name-1_b":4,"__proto__":5}`
    const decoded = decodeTelemetry(Buffer.from(json), ARRIVED_AT)

    expect(decoded.samples).toEqual([{ metric: 'ok.name-1_b', time: TS, value: 4 }])
    expect(decoded.refusals.map((r) => r.reason)).toEqual(Array(4).fill('metric_name_invalid'))
  })

  it('refuses malformed JSON as a whole', () => {
    const decoded = decodeTelemetry(Buffer.from('{"ts": 1, "a": '), ARRIVED_AT)

    expect(decoded.samples).toEqual([])
    expect(decoded.refusals).toEqual([{ reason: 'payload_malformed', detail: expect.any(String) as string }])
  })

  it('refuses an entry whose timestamp is not a point in time, naming the batch entry', () => {
    const decoded = telemetry([{ ts: 'yesterday', a: 1 }, { ts: '2023-11-14T23:13:10', a: 2 }, { ts: TS, a: 3 }])

    expect(decoded.samples).toEqual([{ metric: 'a', time: TS, value: 3 }])
    expect(decoded.refusals.map((r) => [r.reason, r.detail.slice(0, 6)])).toEqual([
      ['timestamp_invalid', '[0] ts'],
      ['timestamp_invalid', '[1] ts'],
    ])
  })

  it('refuses shapes that carry no metrics', () => {
    const reasons = [[], {}, 5, [7], { metrics: 3 }, { ts: TS, metrics: { a: 1 }, extra: 2 }]
      .map((value) => telemetry(value).refusals.map((r) => r.reason))

    expect(reasons).toEqual(Array(6).fill(['payload_invalid']))
  })
})

describe('decodeStatus', () => {
  it('reads JSON and plain-text status', () => {
    const decoded = ['{"status":"offline","ts":5}', ' online\n', '"offline"']
      .map((text) => decodeStatus(Buffer.from(text), ARRIVED_AT))

    expect(decoded).toEqual([
      { ok: true, status: 'offline', time: 5 },
      { ok: true, status: 'online', time: ARRIVED_AT },
      { ok: true, status: 'offline', time: ARRIVED_AT },
    ])
  })

  it('treats an empty payload as clearing the retained status, and refuses other values', () => {
    const decoded = ['', 'sleeping', '{"status":"up"}'].map((text) => decodeStatus(Buffer.from(text), ARRIVED_AT))

    expect(decoded.map((d) => (d.ok ? d.status : d.refusal.reason))).toEqual([null, 'payload_malformed', 'payload_invalid'])
  })
})

describe('decodeFault', () => {
  it('reads a fault code with its detail and time', () => {
    const decoded = decodeFault(Buffer.from('{"ts":5,"code":"E42","detail":"door jammed"}'), ARRIVED_AT)

    expect(decoded).toEqual({ ok: true, fault: { code: 'E42', detail: 'door jammed', time: 5 } })
  })

  it('refuses a fault without a code', () => {
    const decoded = decodeFault(Buffer.from('{"detail":"no code"}'), ARRIVED_AT)

    expect(decoded.ok ? null : decoded.refusal.reason).toBe('payload_invalid')
  })
})
