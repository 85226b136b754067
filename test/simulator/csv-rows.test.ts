import { describe, expect, it } from 'vitest'
import { columnsFromHeader, parseRow, parseTimestamp } from '../../simulator/csv-rows.js'

describe('parseTimestamp', () => {
  it('reads times without an offset as UTC', () => {
    expect([
      parseTimestamp('2013-12-02 21:15:00'),
      parseTimestamp('2013-12-02T21:15:00'),
      parseTimestamp('2013-12-02 21:15'),
      parseTimestamp('2013-12-02'),
    ]).toEqual([
      Date.UTC(2013, 11, 2, 21, 15),
      Date.UTC(2013, 11, 2, 21, 15),
      Date.UTC(2013, 11, 2, 21, 15),
      Date.UTC(2013, 11, 2),
    ])
  })

  it('applies Z and numeric offsets and keeps milliseconds', () => {
    expect([
      parseTimestamp('2013-12-02T21:15:00.250Z'),
      parseTimestamp('2013-12-02T23:15:00+02:00'),
      parseTimestamp('2013-12-02T16:15:00-0500'),
    ]).toEqual([Date.UTC(2013, 11, 2, 21, 15, 0, 250), Date.UTC(2013, 11, 2, 21, 15), Date.UTC(2013, 11, 2, 21, 15)])
  })

  it('rejects dates that do not exist and text that is not a time', () => {
    const inputs = ['2014-02-30 00:00:00', '2014-02-10 24:00:00', '02/10/2014', '1391990400', '', 'now']

    expect(inputs.map(parseTimestamp)).toEqual(inputs.map(() => null))
  })
})

describe('columnsFromHeader', () => {
  it('finds the time and value columns by name in any order', () => {
    expect([
      columnsFromHeader(['timestamp', 'value'], 'value'),
      columnsFromHeader(['value', 'Timestamp'], 'value'),
      columnsFromHeader(['time', 'other', 'temperature'], 'temperature'),
    ]).toEqual([{ time: 0, value: 1 }, { time: 1, value: 0 }, { time: 0, value: 2 }])
  })

  it('returns null when the first row is already data', () => {
    expect(columnsFromHeader(['2014-02-01 00:00:00', '3.5'], 'value')).toBeNull()
  })
})

describe('parseRow', () => {
  it('turns a row into a time and a number or names what is wrong', () => {
    const columns = { time: 0, value: 1 }

    expect([
      parseRow(['2014-02-01 00:00:00', ' 3.5 '], columns),
      parseRow(['2014-02-01 00:00:00', 'NaN'], columns),
      parseRow(['2014-02-01 00:00:00'], columns),
    ]).toEqual([
      { ts: Date.UTC(2014, 1, 1), value: 3.5 },
      { reason: 'unparseable value "NaN"' },
      { reason: 'unparseable value ""' },
    ])
  })
})
