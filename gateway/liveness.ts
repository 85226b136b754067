/**
 * The silent device: absence of telemetry as a signal of its own. A device is silent when
 * its last accepted telemetry is older than `silenceFactor` times its expected interval
 * (and at least `silenceMinMs`); its next accepted telemetry resumes it. The expected
 * interval is the one set in the fleet file (device, else equipment type
 * `reportIntervalSeconds`), otherwise learnt from the device's own rhythm: the longest of
 * its last RHYTHM_GAPS gaps between telemetry messages, once it has MIN_GAPS of them. The
 * longest rather than the typical gap, so a device that sends bursts (several messages,
 * then a pause) is measured by its pauses and not declared silent in every one of them.
 *
 * Only the wall clock of arrivals counts: device timestamps say when a value was measured,
 * not whether the device is still talking. A device that said goodbye (a clean DISCONNECT or
 * its own `offline` status) is not watched until it sends telemetry again; a device whose
 * connection died (last will, keepalive timeout, reset) stays watched.
 */
export const RHYTHM_GAPS = 16
export const MIN_GAPS = 4

export interface LivenessOptions {
  silenceFactor: number
  silenceMinMs: number
  /** The interval set in the fleet file for a device (ms), if any. */
  configuredIntervalMs: (deviceId: string) => number | undefined
}

/** A device falling silent or resuming. */
export interface LivenessChange {
  kind: 'silent' | 'resumed'
  deviceId: string
  /** Arrival time of the last telemetry before the silence. */
  lastSeenAt: number
  expectedIntervalMs: number
}

interface Rhythm {
  lastSeenAt: number
  /** Whether lastSeenAt is a telemetry arrival a next gap can be measured from. */
  hasGapBase: boolean
  gaps: number[]
  isWatched: boolean
  /** The expected interval at the time it fell silent; null while it is not silent. */
  silentExpectedMs: number | null
}

export class Liveness {
  readonly #options: LivenessOptions
  readonly #devices = new Map<string, Rhythm>()

  constructor(options: LivenessOptions) {
    this.#options = options
  }

  /** Starts watching a device that has not reported yet (one with a configured interval, at start-up). */
  watchFrom(deviceId: string, now: number): void {
    if (this.#devices.has(deviceId)) return
    this.#devices.set(deviceId, newRhythm(now, false))
  }

  /** Accepted telemetry arrived; returns the `resumed` change when the device was silent. */
  heard(deviceId: string, now: number): LivenessChange | null {
    const rhythm = this.#devices.get(deviceId)
    if (rhythm === undefined) {
      this.#devices.set(deviceId, newRhythm(now, true))
      return null
    }

    const wasSilentFor = rhythm.silentExpectedMs
    // The gap that spanned a silence or a goodbye is not the device's rhythm.
    if (rhythm.hasGapBase && wasSilentFor === null) {
      rhythm.gaps.push(Math.max(0, now - rhythm.lastSeenAt))
      if (rhythm.gaps.length > RHYTHM_GAPS) rhythm.gaps.shift()
    }
    const change: LivenessChange | null = wasSilentFor === null
      ? null
      : { kind: 'resumed', deviceId, lastSeenAt: rhythm.lastSeenAt, expectedIntervalMs: wasSilentFor }
    Object.assign(rhythm, { lastSeenAt: now, hasGapBase: true, isWatched: true, silentExpectedMs: null })
    return change
  }

  /** The device said goodbye: no silence is reported until it sends telemetry again. */
  announcedOffline(deviceId: string): void {
    const rhythm = this.#devices.get(deviceId)
    if (rhythm === undefined) return
    rhythm.isWatched = false
    rhythm.hasGapBase = false
  }

  /** Devices that fell silent since the last sweep. */
  sweep(now: number): LivenessChange[] {
    const changes: LivenessChange[] = []
    for (const [deviceId, rhythm] of this.#devices) {
      if (!rhythm.isWatched || rhythm.silentExpectedMs !== null) continue
      const expected = this.expectedIntervalMs(deviceId)
      if (expected === undefined) continue
      const silenceMs = Math.max(expected * this.#options.silenceFactor, this.#options.silenceMinMs)
      if (now - rhythm.lastSeenAt <= silenceMs) continue

      rhythm.silentExpectedMs = expected
      changes.push({ kind: 'silent', deviceId, lastSeenAt: rhythm.lastSeenAt, expectedIntervalMs: expected })
    }
    return changes
  }

  /** The configured interval, else the learnt one; undefined while neither is known. */
  expectedIntervalMs(deviceId: string): number | undefined {
    const configured = this.#options.configuredIntervalMs(deviceId)
    if (configured !== undefined) return configured
    const gaps = this.#devices.get(deviceId)?.gaps ?? []
    return gaps.length < MIN_GAPS ? undefined : Math.max(...gaps)
  }

  /** Devices silent now. */
  get silentCount(): number {
    let count = 0
    for (const rhythm of this.#devices.values()) if (rhythm.silentExpectedMs !== null) count++
    return count
  }

  /** Stops watching a device (removed from the fleet, or disabled) and forgets its rhythm. */
  forget(deviceId: string): void {
    this.#devices.delete(deviceId)
  }

  clear(): void {
    this.#devices.clear()
  }
}

function newRhythm(lastSeenAt: number, hasGapBase: boolean): Rhythm {
  return { lastSeenAt, hasGapBase, gaps: [], isWatched: true, silentExpectedMs: null }
}
