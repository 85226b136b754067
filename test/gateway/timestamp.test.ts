import { describe, expect, it } from 'vitest'
import { decodeTelemetry, EARLIEST_MS, LATEST_MS, parseDeviceTime } from '../../gateway/index.js'

const ARRIVED_AT = Date.UTC(2026, 11, 3, 17, 0, 0)
const WINDOW = { maxFutureMs: 86_400_000, maxPastMs: 0 }
// 2025-12-03T17:00:00.123Z, the same instant in every unit and form below.
const T = Date.UTC(2025, 11, 3, 17, 0, 0, 123)

function time(ts: unknown, window = WINDOW): unknown {
  const parsed = parseDeviceTime(ts, ARRIVED_AT, window)
  return parsed.ok ? parsed.time : parsed.refusal.reason
}

describe('parseDeviceTime: accepted times', () => {
  const cases: Array<[string, unknown, number]> = [
    ['epoch seconds', 1_764_781_200, T - 123],
    ['epoch seconds with a fraction', 1_764_781_200.123, T],
    ['epoch milliseconds', 1_764_781_200_123, T],
    ['epoch milliseconds with a fraction (rounded)', 1_764_781_200_122.6, T],
    ['epoch microseconds', 1_764_781_200_123_456, T],
    ['epoch nanoseconds (a double, exact to 256 ns)', Number('1764781200123456789'), T],
    ['seconds as a string', '1764781200', T - 123],
    ['seconds with a fraction as a string', '1764781200.1234', T],
    ['milliseconds as a string', '1764781200123', T],
    ['microseconds as a string', '1764781200123456', T],
    ['nanoseconds as a string, exact beyond 2^53', '1764781200123499999', T],
    ['nanoseconds rounding up to the next ms', '1764781200122500000', T],
    ['ISO 8601 in UTC', '2025-12-03T17:00:00.123Z', T],
    ['ISO 8601 with an offset', '2025-12-03T18:00:00.123+01:00', T],
    ['ISO 8601 with a negative offset without colon', '2025-12-03T12:30:00.123-0430', T],
    ['ISO 8601 with an hour-only offset', '2025-12-03T19:00:00.123+02', T],
    ['ISO 8601 with nanoseconds', '2025-12-03T17:00:00.123456789Z', T],
    ['ISO 8601 with one sub-second digit', '2025-12-03T17:00:00.1Z', T - 23],
    ['ISO 8601 without sub-second digits', '2025-12-03T17:00:00Z', T - 123],
    ['RFC 3339 with a space (Python str(datetime))', '2025-12-03 17:00:00.123000+00:00', T],
    ['lower-case t and z', '2025-12-03t17:00:00.123z', T],
    ['the earliest accepted instant', EARLIEST_MS, EARLIEST_MS],
    ['a leap day', '2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ]

  it.each(cases)('reads %s', (_name, ts, expected) => {
    expect(time(ts)).toBe(expected)
  })

  it('uses the arrival time when ts is missing', () => {
    expect(time(undefined)).toBe(ARRIVED_AT)
  })
})

describe('parseDeviceTime: refused times', () => {
  const invalid: Array<[string, unknown]> = [
    ['zero (an unset clock)', 0],
    ['an uptime counter in ms', 93_000],
    ['1970 in milliseconds', 86_400_000],
    ['epoch ms from 1975 (between the unit ranges)', 160_000_000_000],
    ['a negative number', -1_764_781_200],
    ['the first instant past 2286-11-20', LATEST_MS],
    ['the year 2500 in ISO 8601', '2500-01-01T00:00:00Z'],
    ['1970 in ISO 8601', '1970-01-01T00:00:00Z'],
    ['a time without zone', '2025-12-03T17:00:00'],
    ['a time without seconds', '2025-12-03T17:00Z'],
    ['more than 9 sub-second digits', '2025-12-03T17:00:00.1234567890Z'],
    ['February 30', '2025-02-30T00:00:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['24:00', '2025-12-03T24:00:00Z'],
    ['an offset of 24 hours', '2025-12-03T17:00:00+24:00'],
    ['a date alone', '2025-12-03'],
    ['digits with a leading zero', '01764781200'],
    ['digits with an exponent', '1.7e12'],
    ['digits with a sign', '+1764781200'],
    ['words', 'yesterday'],
    ['an empty string', ''],
    ['null', null],
    ['a boolean', true],
    ['an object', { seconds: 1_764_781_200 }],
  ]

  it.each(invalid)('refuses %s as timestamp_invalid', (_name, ts) => {
    expect(time(ts)).toBe('timestamp_invalid')
  })

  it('names the accepted forms and what it got', () => {
    expect(parseDeviceTime(93_000, ARRIVED_AT, WINDOW)).toEqual({
      ok: false,
      refusal: {
        reason: 'timestamp_invalid',
        detail: 'ts: expected epoch s, ms, µs or ns (number or digits), or ISO 8601 with a zone '
          + 'between 2001-09-09 and 2286-11-20, got 93000',
      },
    })
  })

  it('refuses a time further ahead of its arrival than mqtt.maxFutureMs', () => {
    const ts = ARRIVED_AT + 2 * 86_400_000

    expect(parseDeviceTime(ts, ARRIVED_AT, WINDOW)).toEqual({
      ok: false,
      refusal: {
        reason: 'timestamp_out_of_range',
        detail: 'ts 2026-12-05T17:00:00.000Z is 2.0 days after its arrival; mqtt.maxFutureMs allows 1.0 days',
      },
    })
    expect(time(ARRIVED_AT + 86_400_000)).toBe(ARRIVED_AT + 86_400_000)
  })

  it('accepts any past time by default and refuses beyond mqtt.maxPastMs when set', () => {
    const old = Date.UTC(2014, 1, 1)

    expect(time(old)).toBe(old)
    expect(time(old, { maxFutureMs: 0, maxPastMs: 365 * 86_400_000 })).toBe('timestamp_out_of_range')
  })
})

describe('decodeTelemetry: time rules per entry', () => {
  it('refuses the whole entry with a bad time, naming it, and keeps the other entries', () => {
    const text = JSON.stringify([{ ts: '2025-12-03T17:00:00', a: 1 }, { ts: 1_764_781_200, a: 2 }])

    expect(decodeTelemetry(Buffer.from(text), ARRIVED_AT)).toEqual({
      samples: [{ metric: 'a', time: T - 123, value: 2 }],
      refusals: [{ reason: 'timestamp_invalid', detail: expect.stringMatching(/^\[0\] ts: expected/) as string }],
    })
  })
})
