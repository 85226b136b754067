import { describe, expect, it } from 'vitest'
import { createLogger, createMetricsRegistry } from '../../core/index.js'
import { DeadLetterRing, payloadPreview, type DeadLetter } from '../../gateway/dead-letters.js'
import { createGatewayMetrics } from '../../gateway/metrics.js'
import { RefusalRecorder } from '../../gateway/refusals.js'

function letter(at: number, deviceId = 'd', reason: DeadLetter['reason'] = 'payload_malformed'): DeadLetter {
  return { at, deviceId, topic: 't', reason, code: 'FW_ERR_GW_PAYLOAD_MALFORMED', detail: '', payload: '' }
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

  it('filters by device and reason, newest first, up to the limit', () => {
    const ring = new DeadLetterRing(10)
    ring.push(letter(1, 'a', 'value_missing'))
    ring.push(letter(2, 'b', 'value_missing'))
    ring.push(letter(3, 'a', 'payload_invalid'))
    ring.push(letter(4, 'a', 'value_missing'))

    expect(ring.query({ deviceId: 'a', reason: 'value_missing' }).map((l) => l.at)).toEqual([4, 1])
    expect(ring.query({ deviceId: 'a', limit: 1 }).map((l) => l.at)).toEqual([4])
  })
})

describe('payloadPreview', () => {
  it('cuts the payload to 512 characters without splitting a multi-byte character', () => {
    const preview = payloadPreview(Buffer.from('€'.repeat(600)))

    expect(preview).toBe('€'.repeat(512))
  })
})

describe('RefusalRecorder', () => {
  function recorder(now: { t: number }, logIntervalMs = 60_000) {
    const logs: Array<Record<string, unknown>> = []
    const registry = createMetricsRegistry({ defaultMetrics: false })
    const metrics = createGatewayMetrics(registry, { connectedDevices: () => 0, silentDevices: () => 0 })
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) } })
    const ring = new DeadLetterRing(10)
    const clock = { now: () => now.t }
    return { logs, ring, recorder: new RefusalRecorder({ ring, metrics, logger, clock, logIntervalMs }) }
  }
  const message = (deviceId: string) => ({ deviceId, topic: `forewarn/v1/devices/${deviceId}/telemetry`, payload: Buffer.from('x') })
  const missing = { reason: 'value_missing' as const, detail: 'a: null is no value' }

  it('logs once per device and reason per interval, saying how many messages it left out', () => {
    const now = { t: 0 }
    const { logs, ring, recorder: r } = recorder(now)
    for (let i = 0; i < 5; i++) r.record(message('dev-1'), [missing])
    r.record(message('dev-1'), [{ reason: 'payload_invalid', detail: 'no metrics' }])
    r.record(message('dev-2'), [missing])
    now.t = 60_000
    r.record(message('dev-1'), [missing, missing])

    expect(logs.map((l) => [l.deviceId, l.reason, l.refusals, l.suppressed])).toEqual([
      ['dev-1', 'value_missing', 1, 0], ['dev-1', 'payload_invalid', 1, 0], ['dev-2', 'value_missing', 1, 0],
      ['dev-1', 'value_missing', 2, 4],
    ])
    expect([r.count, ring.size]).toEqual([9, 9])
  })
})
