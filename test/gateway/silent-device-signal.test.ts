import { describe, expect, it } from 'vitest'
import type { DeviceEvent } from '../../core/index.js'
import { silentDeviceSignal } from '../../app/silent-device.js'

const TAGS = { siteId: 'site-north', customerId: 'cust-water', equipmentType: 'pump' }
const SILENT: DeviceEvent = {
  deviceId: 'dev-pump-1', assetId: 'pump-1', kind: 'silent', time: Date.UTC(2026, 11, 3, 17, 30),
  lastSeenAt: Date.UTC(2026, 11, 3, 17, 0), expectedIntervalMs: 300_000, tags: TAGS,
}

describe('silentDeviceSignal', () => {
  it('turns a silent event into a silent_device Signal with the silence as evidence', () => {
    expect(silentDeviceSignal(SILENT)).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{40}$/) as string,
      assetId: 'pump-1',
      kind: 'silent_device',
      failureMode: 'telemetry_lost',
      severity: 'warning',
      confidence: 0.8,
      detectedAt: SILENT.time,
      predictedFailure: null,
      evidence: {
        metrics: [], windowStart: SILENT.lastSeenAt, windowEnd: SILENT.time, points: [],
        summary: 'Device dev-pump-1 has sent no telemetry since 2026-12-03 17:00 UTC (it normally reports at least every 5 min).',
      },
      detector: { name: 'gateway-liveness', version: '1.0.0' },
    })
  })

  it('gives one silence one id however often it is reported, and the next silence another', () => {
    const again = silentDeviceSignal({ ...SILENT, time: SILENT.time + 60_000 })
    const next = silentDeviceSignal({ ...SILENT, lastSeenAt: SILENT.time + 3_600_000 })

    expect(again?.id).toBe(silentDeviceSignal(SILENT)?.id)
    expect(next?.id).not.toBe(silentDeviceSignal(SILENT)?.id)
  })

  it('ignores every other kind of event', () => {
    const kinds = ['online', 'offline', 'fault', 'resumed'] as const

    expect(kinds.map((kind) => silentDeviceSignal({ ...SILENT, kind }))).toEqual([null, null, null, null])
  })
})
