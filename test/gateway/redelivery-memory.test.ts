import { describe, expect, it } from 'vitest'
import { RedeliveryMemory } from '../../gateway/redelivery.js'

const payload = (text: string): Buffer => Buffer.from(text)

describe('RedeliveryMemory', () => {
  it('finds an earlier copy with the same packet id and payload, and its outcome', () => {
    const memory = new RedeliveryMemory()
    const first = memory.begin('dev-1', 7, payload('{"t":21.5}'))
    first.handling.settle(true)

    const again = memory.begin('dev-1', 7, payload('{"t":21.5}'))

    expect(again.earlier).toBe(first.handling)
    expect(again.earlier?.wasAcknowledged()).toBe(true)
  })

  it('takes a reused packet id with another payload of the same length for a new message', () => {
    const memory = new RedeliveryMemory()
    memory.begin('dev-1', 7, payload('{"t":21.5}')).handling.settle(true)

    expect(memory.begin('dev-1', 7, payload('{"t":21.6}')).earlier).toBeNull()
  })

  it('keeps devices apart', () => {
    const memory = new RedeliveryMemory()
    memory.begin('dev-1', 7, payload('x')).handling.settle(true)

    expect(memory.begin('dev-2', 7, payload('x')).earlier).toBeNull()
  })

  it('makes a copy wait for the outcome of an original still being handled', async () => {
    const memory = new RedeliveryMemory()
    const original = memory.begin('dev-1', 3, payload('abc'))
    const copy = memory.begin('dev-1', 3, payload('abc'))

    const waited = copy.earlier?.wasAcknowledged()
    expect(waited).toBeInstanceOf(Promise)
    original.handling.settle(false)

    await expect(waited).resolves.toBe(false)
  })

  it('records only the first outcome', () => {
    const memory = new RedeliveryMemory()
    const { handling } = memory.begin('dev-1', 1, payload('a'))
    handling.settle(false)
    handling.settle(true)

    expect(handling.wasAcknowledged()).toBe(false)
  })

  it('forgets the oldest of more than 64 messages of a device', () => {
    const memory = new RedeliveryMemory()
    for (let id = 1; id <= 65; id++) memory.begin('dev-1', id, payload(`m${id}`)).handling.settle(true)

    expect(memory.begin('dev-1', 1, payload('m1')).earlier).toBeNull()
    expect(memory.begin('dev-1', 65, payload('m65')).earlier).not.toBeNull()
  })
})
