import { describe, expect, it } from 'vitest'
import { DataClock } from '../../dispatch/data-clock.js'

/** A wall clock the test moves by hand. */
function manualWall(start: number): { now: () => number, advance: (ms: number) => void } {
  let now = start
  return {
    now: () => now,
    advance: (ms) => {
      now += ms
    },
  }
}

describe('DataClock', () => {
  it('follows the wall clock until the first reading, then the data time plus wall time since', () => {
    const wall = manualWall(1_000_000)
    const clock = new DataClock(wall)
    expect(clock.now()).toBe(1_000_000)
    clock.observe(50_000)
    wall.advance(200)
    expect(clock.now()).toBe(50_200)
  })

  it('never goes back: late readings, and readings inside the elapsed wall time, leave it', () => {
    const wall = manualWall(0)
    const clock = new DataClock(wall)
    clock.observe(10_000)
    wall.advance(500)
    clock.observe(9_000)
    expect(clock.now()).toBe(10_500)
    clock.observe(10_400)
    expect(clock.now()).toBe(10_500)
    clock.observe(12_000)
    expect(clock.now()).toBe(12_000)
    wall.advance(100)
    expect(clock.now()).toBe(12_100)
  })

  it('a wall clock stepped backwards does not move data time back', () => {
    const wall = manualWall(5_000)
    const clock = new DataClock(wall)
    clock.observe(100_000)
    wall.advance(-3_000)
    expect(clock.now()).toBe(100_000)
    clock.observe(100_001)
    expect(clock.now()).toBe(100_001)
  })
})
