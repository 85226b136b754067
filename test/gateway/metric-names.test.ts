import { describe, expect, it } from 'vitest'
import { decodeTelemetry, METRIC_NAME_MAX_CHARS, metricNameProblem } from '../../gateway/index.js'
import { HARD_METRIC_NAMES } from './hard-names.js'

const ARRIVED_AT = Date.UTC(2026, 11, 3, 17)

describe('metric names', () => {
  it.each(HARD_METRIC_NAMES)('accepts %j exactly as sent', (name) => {
    const decoded = decodeTelemetry(Buffer.from(JSON.stringify({ [name]: 1.5 })), ARRIVED_AT)

    expect(decoded).toEqual({ samples: [{ metric: name, time: ARRIVED_AT, value: 1.5 }], refusals: [] })
  })

  const refused: Array<[string, string]> = [
    ['', 'is empty'],
    ['line\nbreak', 'contains U+000A, which cannot be stored exactly'],
    ['car\rriage', 'contains U+000D, which cannot be stored exactly'],
    ['tab\there', 'contains U+0009, which cannot be stored exactly'],
    ['nul\u0000', 'contains U+0000, which cannot be stored exactly'],
    ['c1\u0085', 'contains U+0085, which cannot be stored exactly'],
    ['line\u2028sep', 'contains U+2028, which cannot be stored exactly'],
    ['back\\slash', 'contains a backslash, which cannot be stored exactly'],
    ['trailing\\', 'contains a backslash, which cannot be stored exactly'],
    ['lone \ud800 surrogate', 'contains U+D800, which cannot be stored exactly'],
    [' leading', 'starts or ends with white space'],
    ['trailing ', 'starts or ends with white space'],
    ['a'.repeat(METRIC_NAME_MAX_CHARS + 1), `has ${METRIC_NAME_MAX_CHARS + 1} characters, more than 128`],
  ]

  it.each(refused)('refuses %j: %s', (name, problem) => {
    expect(metricNameProblem(name)).toBe(problem)
  })

  it('refuses a bad name as metric_name_invalid and keeps the other metrics', () => {
    const decoded = decodeTelemetry(Buffer.from('{"a\\nb":1,"a b":2}'), ARRIVED_AT)

    expect(decoded).toEqual({
      samples: [{ metric: 'a b', time: ARRIVED_AT, value: 2 }],
      refusals: [{ reason: 'metric_name_invalid', detail: 'metric name "a\\nb" contains U+000A, which cannot be stored exactly' }],
    })
  })

  it('counts characters, not UTF-16 units, against the length limit', () => {
    expect(metricNameProblem('😀'.repeat(METRIC_NAME_MAX_CHARS))).toBeNull()
  })
})
