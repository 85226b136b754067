import { describe, expect, it } from 'vitest'
import { decodeStatus } from '../../gateway/handlers/status.js'
import { decodeFault } from '../../gateway/handlers/events.js'

const ARRIVED_AT = Date.UTC(2026, 11, 3, 17)
const TS = Date.UTC(2026, 11, 3, 16, 59)

describe('decodeStatus', () => {
  const accepted: Array<[string, string, unknown]> = [
    ['JSON with ts in ms', `{"status":"offline","ts":${TS}}`, { ok: true, status: 'offline', time: TS }],
    ['JSON with ts in seconds', `{"status":"online","ts":${TS / 1000}}`, { ok: true, status: 'online', time: TS }],
    ['JSON without ts', '{"status":"online"}', { ok: true, status: 'online', time: ARRIVED_AT }],
    ['the plain word with white space', ' online\n', { ok: true, status: 'online', time: ARRIVED_AT }],
    ['a JSON string', '"offline"', { ok: true, status: 'offline', time: ARRIVED_AT }],
    ['an empty payload (clears the retained status)', '', { ok: true, status: null }],
  ]

  it.each(accepted)('reads %s', (_name, text, expected) => {
    expect(decodeStatus(Buffer.from(text), ARRIVED_AT)).toEqual(expected)
  })

  const refused: Array<[string, string, string]> = [
    ['an unknown word', 'sleeping', 'payload_malformed'],
    ['an unknown status', '{"status":"up"}', 'payload_invalid'],
    ['a time that is not a time', '{"status":"online","ts":5}', 'timestamp_invalid'],
  ]

  it.each(refused)('refuses %s', (_name, text, reason) => {
    const decoded = decodeStatus(Buffer.from(text), ARRIVED_AT)

    expect(decoded.ok ? null : decoded.refusal.reason).toBe(reason)
  })

  it('tells a device sending an unknown word what a status may be', () => {
    const decoded = decodeStatus(Buffer.from('sleeping'), ARRIVED_AT)

    expect(decoded.ok ? null : decoded.refusal.detail)
      .toMatch(/^expected "online", "offline" or \{"status": "online" \| "offline", "ts"\?\}; /)
  })
})

describe('decodeFault', () => {
  it('reads a fault code with its detail and time', () => {
    const decoded = decodeFault(Buffer.from(`{"ts":"2026-12-03T16:59:00Z","code":"E42","detail":"door jammed"}`), ARRIVED_AT)

    expect(decoded).toEqual({ ok: true, fault: { code: 'E42', detail: 'door jammed', time: TS } })
  })

  it('stamps a fault without ts with its arrival time', () => {
    expect(decodeFault(Buffer.from('{"code":"E42"}'), ARRIVED_AT)).toEqual({ ok: true, fault: { code: 'E42', time: ARRIVED_AT } })
  })

  const refused: Array<[string, string, string]> = [
    ['a fault without a code', '{"detail":"no code"}', 'payload_invalid'],
    ['a code over 64 characters', JSON.stringify({ code: 'E'.repeat(65) }), 'payload_invalid'],
    ['a fault stamped in 1970', '{"code":"E42","ts":1000}', 'timestamp_invalid'],
    ['bytes that are not UTF-8', '\u00ff', 'payload_malformed'],
  ]

  it.each(refused)('refuses %s', (_name, text, reason) => {
    const payload = text === '\u00ff' ? Buffer.from([0xff]) : Buffer.from(text)
    const decoded = decodeFault(payload, ARRIVED_AT)

    expect(decoded.ok ? null : decoded.refusal.reason).toBe(reason)
  })

  it('says a missing code is required, not that undefined is the wrong type', () => {
    const decoded = decodeFault(Buffer.from('{"detail":"no code"}'), ARRIVED_AT)

    expect(decoded.ok ? null : decoded.refusal.detail).toBe('code: is required')
  })
})
