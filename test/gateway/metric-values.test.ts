import { describe, expect, it } from 'vitest'
import { decodeTelemetry } from '../../gateway/index.js'

const ARRIVED_AT = Date.UTC(2026, 11, 3, 17)

/** Decodes `{"m": <literal>, "ok": 1}`; the other metric must always survive. */
function decodeValue(literal: string): ReturnType<typeof decodeTelemetry> {
  return decodeTelemetry(Buffer.from(`{"m":${literal},"ok":1}`), ARRIVED_AT)
}

describe('decodeTelemetry: metric values', () => {
  const accepted: Array<[string, number]> = [
    ['20', 20],
    ['20.5', 20.5],
    ['-0.001', -0.001],
    ['0', 0],
    ['-0', -0],
    ['1e308', 1e308],
    ['1.5E-7', 1.5e-7],
    ['12345678901234567890', 12345678901234567000],
  ]

  it.each(accepted)('accepts the number %s', (literal, value) => {
    expect(decodeValue(literal)).toEqual({
      samples: [{ metric: 'm', time: ARRIVED_AT, value }, { metric: 'ok', time: ARRIVED_AT, value: 1 }],
      refusals: [],
    })
  })

  const refused: Array<[string, string, string]> = [
    ['1e999', 'value_not_finite', 'm: Infinity is not a finite number (the literal overflows a double)'],
    ['-1e999', 'value_not_finite', 'm: -Infinity is not a finite number (the literal overflows a double)'],
    ['NaN', 'value_not_finite', 'm: NaN is not a finite number'],
    ['Infinity', 'value_not_finite', 'm: Infinity is not a finite number'],
    ['-Infinity', 'value_not_finite', 'm: -Infinity is not a finite number'],
    ['null', 'value_missing', 'm: null is no value'],
    ['""', 'value_missing', 'm: an empty string is no value (it is never read as 0)'],
    ['"  "', 'value_missing', 'm: an empty string is no value (it is never read as 0)'],
    ['"7"', 'value_not_number', 'm: expected a number, got the string "7" (numbers are sent unquoted)'],
    ['"NaN"', 'value_not_number', 'm: expected a number, got the string "NaN" (numbers are sent unquoted)'],
    ['"open"', 'value_not_number', 'm: expected a number, got the string "open" (numbers are sent unquoted)'],
    ['true', 'value_not_number', 'm: true is a boolean; send device states as events, not telemetry'],
    ['false', 'value_not_number', 'm: false is a boolean; send device states as events, not telemetry'],
    ['{"v":1}', 'value_not_number', 'm: expected a number, got an object'],
    ['[1,2]', 'value_not_number', 'm: expected a number, got an array'],
  ]

  it.each(refused)('refuses %s for that metric only, with its reason', (literal, reason, detail) => {
    expect(decodeValue(literal)).toEqual({
      samples: [{ metric: 'ok', time: ARRIVED_AT, value: 1 }],
      refusals: [{ reason, detail }],
    })
  })

  it('reads bare NaN and Infinity inside strings as text, not as numbers', () => {
    const decoded = decodeTelemetry(Buffer.from('{"NaN Infinity":1,"m":"-Infinity"}'), ARRIVED_AT)

    expect(decoded).toEqual({
      samples: [{ metric: 'NaN Infinity', time: ARRIVED_AT, value: 1 }],
      refusals: [{
        reason: 'value_not_number', detail: 'm: expected a number, got the string "-Infinity" (numbers are sent unquoted)',
      }],
    })
  })

  it('still refuses malformed JSON that also contains NaN, with the parser\'s message', () => {
    expect(decodeTelemetry(Buffer.from('{"m":NaN,'), ARRIVED_AT).refusals).toEqual([
      { reason: 'payload_malformed', detail: expect.stringContaining('JSON') as string },
    ])
  })
})
