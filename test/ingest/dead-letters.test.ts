import { describe, expect, it } from 'vitest'
import { toLine } from '../../ingest/index.js'
import { DeadLetterList, deadLetterKind } from '../../ingest/dead-letters.js'
import { reading } from './fixtures.js'

describe('deadLetterKind', () => {
  it('names the refusal from InfluxDB\'s words and the status', () => {
    const cases: Array<[string, number | undefined]> = [
      ['partial write: field type conflict: input field "value" on measurement "telemetry" is type float, already exists as type integer dropped=1', 400],
      ['partial write: points beyond retention policy dropped=2', 400],
      ['partial write: unable to parse \'x\': invalid field format dropped=0', 400],
      ['Request Entity Too Large', 413],
      ['something else', 422],
    ]

    expect(cases.map(([reason, status]) => deadLetterKind(reason, status))).toEqual([
      'field_type_conflict', 'beyond_retention', 'unparsable', 'too_large', 'rejected',
    ])
  })
})

describe('DeadLetterList', () => {
  it('keeps the newest entries up to its capacity, with the reading each line stands for', () => {
    const list = new DeadLetterList(2)
    const lines = [reading(0, 1), reading(1, 2), reading(2, 3)].map(toLine)

    list.add(lines, { reason: 'points beyond retention policy dropped=3', status: 400 }, 5)

    expect(list.total).toBe(3)
    expect(list.list()).toEqual([1, 2].map((i) => ({
      line: lines[i], reading: reading(i, i + 1), kind: 'beyond_retention',
      reason: 'points beyond retention policy dropped=3', status: 400, at: 5,
    })))
  })
})
