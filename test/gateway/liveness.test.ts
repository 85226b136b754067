import { describe, expect, it } from 'vitest'
import { Liveness, type LivenessOptions } from '../../gateway/liveness.js'

const S = 1000

function liveness(options: Partial<LivenessOptions> = {}): Liveness {
  return new Liveness({ silenceFactor: 3, silenceMinMs: 1, configuredIntervalMs: () => undefined, ...options })
}

/** Telemetry from `dev` at each of these times (s). */
function hear(tracker: Liveness, seconds: number[]): void {
  for (const t of seconds) tracker.heard('dev', t * S)
}

describe('Liveness', () => {
  it('learns the interval from the device\'s rhythm and reports it silent once after 3 intervals', () => {
    const tracker = liveness()
    hear(tracker, [0, 10, 20, 30, 40])

    expect(tracker.sweep(70 * S)).toEqual([])
    expect(tracker.sweep(70 * S + 1)).toEqual([{ kind: 'silent', deviceId: 'dev', lastSeenAt: 40 * S, expectedIntervalMs: 10 * S }])
    expect(tracker.sweep(500 * S)).toEqual([])
    expect(tracker.silentCount).toBe(1)
  })

  it('reports a silent device resumed on its next telemetry, without learning the silence as rhythm', () => {
    const tracker = liveness()
    hear(tracker, [0, 10, 20, 30, 40])
    tracker.sweep(100 * S)

    expect(tracker.heard('dev', 500 * S)).toEqual({ kind: 'resumed', deviceId: 'dev', lastSeenAt: 40 * S, expectedIntervalMs: 10 * S })
    expect(tracker.expectedIntervalMs('dev')).toBe(10 * S)
    expect(tracker.silentCount).toBe(0)
  })

  it('stays quiet about a device whose rhythm is not learnt yet (fewer than 4 gaps)', () => {
    const tracker = liveness()
    hear(tracker, [0, 10, 20, 30])

    expect(tracker.sweep(10_000 * S)).toEqual([])
  })

  it('measures a bursty device by its pauses, not by its bursts', () => {
    const tracker = liveness()
    hear(tracker, [0, 0.1, 0.2, 60, 60.1, 60.2, 120, 120.1])

    expect(tracker.expectedIntervalMs('dev')).toBe(59.8 * S)
    expect(tracker.sweep(180 * S)).toEqual([])
  })

  it('watches a device with a configured interval from the start, before it ever reports', () => {
    const tracker = liveness({ configuredIntervalMs: () => 60 * S })
    tracker.watchFrom('dev', 0)

    expect(tracker.sweep(180 * S)).toEqual([])
    expect(tracker.sweep(181 * S)).toEqual([{ kind: 'silent', deviceId: 'dev', lastSeenAt: 0, expectedIntervalMs: 60 * S }])
  })

  it('never reports silence sooner than silenceMinMs', () => {
    const tracker = liveness({ silenceMinMs: 60 * S })
    hear(tracker, [0, 1, 2, 3, 4])

    expect(tracker.sweep(64 * S)).toEqual([])
    expect(tracker.sweep(65 * S).map((c) => c.kind)).toEqual(['silent'])
  })

  it('does not watch a device that said goodbye until it reports again', () => {
    const tracker = liveness()
    hear(tracker, [0, 10, 20, 30, 40])
    tracker.announcedOffline('dev')

    expect(tracker.sweep(1000 * S)).toEqual([])
    tracker.heard('dev', 2000 * S)
    expect(tracker.sweep(2031 * S).map((c) => c.lastSeenAt)).toEqual([2000 * S])
  })
})
