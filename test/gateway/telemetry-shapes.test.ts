import { describe, expect, it } from 'vitest'
import { decodeTelemetry, type DecodedTelemetry } from '../../gateway/index.js'

const ARRIVED_AT = Date.UTC(2026, 11, 3, 12)
const TS = Date.UTC(2026, 11, 3, 11, 59)
const TS2 = TS + 60_000

function decode(text: string): DecodedTelemetry {
  return decodeTelemetry(Buffer.from(text), ARRIVED_AT)
}

describe('decodeTelemetry: payload shapes', () => {
  const accepted: Array<[string, string, DecodedTelemetry['samples']]> = [
    ['envelope with metrics', `{"ts":${TS},"metrics":{"a":1,"b":2.5}}`, [
      { metric: 'a', time: TS, value: 1 }, { metric: 'b', time: TS, value: 2.5 },
    ]],
    ['ThingsBoard envelope with values', `{"ts":${TS},"values":{"temperature":42,"humidity":73.5}}`, [
      { metric: 'temperature', time: TS, value: 42 }, { metric: 'humidity', time: TS, value: 73.5 },
    ]],
    ['flat object with ts', `{"ts":${TS},"a":1}`, [{ metric: 'a', time: TS, value: 1 }]],
    ['flat object without ts (arrival time)', '{"a":1}', [{ metric: 'a', time: ARRIVED_AT, value: 1 }]],
    ['envelope without ts (arrival time)', '{"metrics":{"a":1}}', [{ metric: 'a', time: ARRIVED_AT, value: 1 }]],
    ['batch of envelopes', `[{"ts":${TS},"metrics":{"a":1}},{"ts":${TS2},"metrics":{"a":2}}]`, [
      { metric: 'a', time: TS, value: 1 }, { metric: 'a', time: TS2, value: 2 },
    ]],
    ['ThingsBoard batch', `[{"ts":${TS},"values":{"t":1}},{"ts":${TS2},"values":{"t":2}}]`, [
      { metric: 't', time: TS, value: 1 }, { metric: 't', time: TS2, value: 2 },
    ]],
    ['batch of flat objects', `[{"ts":${TS},"a":1},{"ts":${TS2},"a":2}]`, [
      { metric: 'a', time: TS, value: 1 }, { metric: 'a', time: TS2, value: 2 },
    ]],
    ['batch mixing all three forms', `[{"ts":${TS},"a":1},{"ts":${TS},"metrics":{"b":2}},{"ts":${TS},"values":{"c":3}}]`, [
      { metric: 'a', time: TS, value: 1 }, { metric: 'b', time: TS, value: 2 }, { metric: 'c', time: TS, value: 3 },
    ]],
    ['a metric named __proto__ kept as a metric', '{"__proto__":5}', [{ metric: '__proto__', time: ARRIVED_AT, value: 5 }]],
    ['a UTF-8 byte order mark', '\uFEFF{"a":1}', [{ metric: 'a', time: ARRIVED_AT, value: 1 }]],
  ]

  it.each(accepted)('accepts %s', (_name, text, samples) => {
    expect(decode(text)).toEqual({ samples, refusals: [] })
  })

  const refused: Array<[string, string, string, string]> = [
    ['malformed JSON', '{"a":', 'payload_malformed', 'Unexpected end of JSON input'],
    ['bare text', 'hello', 'payload_malformed', 'Unexpected token \'h\', "hello" is not valid JSON'],
    ['a JSON number', '42', 'payload_invalid', 'expected a JSON object or array, got 42'],
    ['a JSON string', '"a"', 'payload_invalid', 'expected a JSON object or array, got the string "a"'],
    ['null', 'null', 'payload_invalid', 'expected a JSON object or array, got null'],
    ['an empty batch', '[]', 'payload_invalid', 'batch is an empty array'],
    ['an object without metrics', `{"ts":${TS}}`, 'payload_invalid', 'no metrics'],
    ['an empty envelope', '{"metrics":{}}', 'payload_invalid', 'no metrics'],
    ['metrics that are not an object', '{"metrics":3}', 'payload_invalid', 'metrics: expected an object of metric values, got 3'],
    ['both metrics and values', '{"metrics":{"a":1},"values":{"b":2}}', 'payload_invalid', 'has both "metrics" and "values"; send one of them'],
    ['a key beside ts and metrics', '{"metrics":{"a":1},"b":2}', 'payload_invalid', 'unexpected key "b" beside "ts" and "metrics"'],
    ['a key beside ts and values', '{"values":{"a":1},"b":2}', 'payload_invalid', 'unexpected key "b" beside "ts" and "values"'],
    ['a batch entry that is not an object', '[7]', 'payload_invalid', '[0] expected a JSON object, got 7'],
    ['a nested batch', '[[{"a":1}]]', 'payload_invalid', '[0] expected a JSON object, got an array'],
  ]

  it.each(refused)('refuses %s with its reason', (_name, text, reason, detail) => {
    expect(decode(text)).toEqual({ samples: [], refusals: [{ reason, detail }] })
  })

  it('refuses one bad batch entry and keeps the others', () => {
    expect(decode(`[{"ts":${TS},"a":1},{"ts":"yesterday","a":2},5,{"ts":${TS2},"a":3}]`)).toEqual({
      samples: [{ metric: 'a', time: TS, value: 1 }, { metric: 'a', time: TS2, value: 3 }],
      refusals: [
        { reason: 'timestamp_invalid', detail: expect.stringMatching(/^\[1\] ts: expected .* got the string "yesterday"$/) as string },
        { reason: 'payload_invalid', detail: '[2] expected a JSON object, got 5' },
      ],
    })
  })

  it('refuses bytes that are not UTF-8 instead of guessing the encoding', () => {
    // "°C" in Latin-1: 0xB0 is not UTF-8 on its own.
    const latin1 = Buffer.concat([Buffer.from('{"temp '), Buffer.from([0xb0]), Buffer.from('C":21}')])

    expect(decodeTelemetry(latin1, ARRIVED_AT)).toEqual({
      samples: [], refusals: [{ reason: 'payload_malformed', detail: 'payload is not valid UTF-8' }],
    })
  })
})

describe('decodeTelemetry: limits', () => {
  const rules = { window: { maxFutureMs: 86_400_000, maxPastMs: 0 }, maxEntriesPerBatch: 3, maxMetricsPerEntry: 2 }

  it('accepts a batch and a reading set exactly at the limits', () => {
    const text = JSON.stringify([{ ts: TS, a: 1, b: 2 }, { ts: TS, a: 3 }, { ts: TS, metrics: { a: 4, b: 5 } }])

    expect(decodeTelemetry(Buffer.from(text), ARRIVED_AT, rules).samples).toHaveLength(5)
  })

  it('refuses a batch with more entries than allowed as a whole', () => {
    const text = JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }])

    expect(decodeTelemetry(Buffer.from(text), ARRIVED_AT, rules)).toEqual({
      samples: [],
      refusals: [{ reason: 'batch_too_large', detail: '4 entries exceed the limit of 3 (mqtt.maxEntriesPerBatch)' }],
    })
  })

  it('refuses a message with a reading set of too many metrics as a whole, naming the entry', () => {
    const text = JSON.stringify([{ a: 1 }, { values: { a: 1, b: 2, c: 3 } }])

    expect(decodeTelemetry(Buffer.from(text), ARRIVED_AT, rules)).toEqual({
      samples: [],
      refusals: [{ reason: 'too_many_metrics', detail: '[1] 3 metrics exceed the limit of 2 (mqtt.maxMetricsPerEntry)' }],
    })
  })

  it('does not count ts as a metric of the flat form', () => {
    expect(decodeTelemetry(Buffer.from(`{"ts":${TS},"a":1,"b":2}`), ARRIVED_AT, rules).refusals).toEqual([])
  })
})
