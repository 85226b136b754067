import { describe, expect, it } from 'vitest'
import { ReadingQueue } from '../../ingest/reading-queue.js'
import { reading } from './fixtures.js'

describe('ReadingQueue', () => {
  it('hands out readings oldest first across the arrays they arrived in', () => {
    const queue = new ReadingQueue()
    const all = [0, 1, 2, 3, 4, 5].map((i) => reading(i, i))
    queue.push(all.slice(0, 2))
    queue.push([])
    queue.push(all.slice(2, 5))
    queue.push(all.slice(5))

    const batches = [queue.take(3), queue.take(1), queue.take(10), queue.take(10)]

    expect(batches).toEqual([all.slice(0, 3), all.slice(3, 4), all.slice(4), []])
    expect(queue.size).toBe(0)
  })

  it('keeps order while many small pushes are taken out in between', () => {
    const queue = new ReadingQueue()
    const taken = []
    for (let i = 0; i < 1_000; i++) {
      queue.push([reading(i, i)])
      if (i % 7 === 0) taken.push(...queue.take(5))
    }
    taken.push(...queue.take(1_000))

    expect(taken.map((r) => r.value)).toEqual(Array.from({ length: 1_000 }, (_, i) => i))
  })
})
