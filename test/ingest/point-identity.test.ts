import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pointNanoseconds, subMillisecondOffset } from '../../ingest/point-identity.js'

describe('subMillisecondOffset', () => {
  it('is a whole number of nanoseconds below one millisecond, the same for equal values', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (value) => {
      const offset = subMillisecondOffset(value)
      return Number.isInteger(offset) && offset >= 0 && offset < 1_000_000 && offset === subMillisecondOffset(value)
    }))
  })

  it('separates the repeated hour of NAB machine_temperature (different values, same times)', () => {
    const first = [94.42340604, 94.69872971, 95.33282414].map(subMillisecondOffset)
    const second = [94.13972336, 94.11196982, 94.63872322].map(subMillisecondOffset)
    expect(first.every((offset, i) => offset !== second[i])).toBe(true)
  })
})

describe('pointNanoseconds', () => {
  it('keeps the millisecond exactly, also before 1970', () => {
    fc.assert(fc.property(fc.integer({ min: -2e12, max: 4e12 }), fc.double({ noNaN: true }), (ms, value) => {
      const nanos = BigInt(pointNanoseconds(ms, value))
      const floorMs = nanos >= 0n ? nanos / 1_000_000n : -((-nanos + 999_999n) / 1_000_000n)
      return floorMs === BigInt(ms)
    }))
  })
})
