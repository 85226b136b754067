import { describe, expect, it } from 'vitest'
import { DeadLetterRing, payloadPreview, type DeadLetter } from '../../gateway/dead-letters.js'

function letter(at: number): DeadLetter {
  return { at, deviceId: 'd', topic: 't', reason: 'payload_malformed', code: 'FW_ERR_GW_PAYLOAD_MALFORMED', detail: '', payload: '' }
}

describe('DeadLetterRing', () => {
  it('keeps only the newest entries up to its capacity, newest first', () => {
    const ring = new DeadLetterRing(3)
    for (let at = 1; at <= 5; at++) ring.push(letter(at))

    expect(ring.list().map((l) => l.at)).toEqual([5, 4, 3])
    expect(ring.list(2).map((l) => l.at)).toEqual([5, 4])
  })

  it('lists what it has before it is full', () => {
    const ring = new DeadLetterRing(3)
    ring.push(letter(1))
    ring.push(letter(2))

    expect(ring.list(10).map((l) => l.at)).toEqual([2, 1])
  })
})

describe('payloadPreview', () => {
  it('cuts the payload to 512 characters without splitting a multi-byte character', () => {
    const preview = payloadPreview(Buffer.from('€'.repeat(600)))

    expect(preview).toBe('€'.repeat(512))
  })
})
