import type { DeviceEvent, Reading } from '../core/index.js'

/** What the board knows of one device: its connection and reporting state. */
export interface DeviceState {
  deviceId: string
  /** online/offline from the connection; silent while its telemetry is overdue. */
  status: 'online' | 'offline' | 'silent' | 'unknown'
  /** Data-clock time of the last status change. */
  since: number | null
  /** The last fault the device reported, if any since start. */
  lastFault: { code: string, detail: string, time: number } | null
}

/** The newest accepted value of one metric. */
export interface LatestValue {
  metric: string
  time: number
  value: number
}

export interface AssetBoardView {
  latest: LatestValue[]
  devices: DeviceState[]
}

/**
 * The current state of each asset for the API: the newest value of each metric and each
 * device's status. It is rebuilt from traffic after a restart (nothing here is a record of
 * truth: readings live in the telemetry store, work orders in dispatch). Memory is bounded
 * by the fleet: one entry per asset metric and per device.
 */
export class AssetBoard {
  readonly #latest = new Map<string, Map<string, LatestValue>>()
  readonly #devices = new Map<string, DeviceState>()
  readonly #deviceAsset = new Map<string, string>()

  observeReading(reading: Reading): void {
    let metrics = this.#latest.get(reading.assetId)
    if (metrics === undefined) {
      metrics = new Map()
      this.#latest.set(reading.assetId, metrics)
    }
    const known = metrics.get(reading.metric)
    if (known === undefined) {
      metrics.set(reading.metric, { metric: reading.metric, time: reading.time, value: reading.value })
    } else {
      // A late or replayed reading never replaces a newer one.
      if (known.time >= reading.time) return
      // Updated in place (this runs for every reading); view() hands out copies.
      known.time = reading.time
      known.value = reading.value
    }
    if (this.#deviceAsset.get(reading.deviceId) !== reading.assetId) {
      this.#deviceAsset.set(reading.deviceId, reading.assetId)
    }
  }

  observeEvent(event: DeviceEvent): void {
    this.#deviceAsset.set(event.deviceId, event.assetId)
    const state = this.#devices.get(event.deviceId) ?? {
      deviceId: event.deviceId, status: 'unknown', since: null, lastFault: null,
    }
    switch (event.kind) {
      case 'online':
      case 'resumed':
        state.status = 'online'
        state.since = event.time
        break
      case 'offline':
      case 'silent':
        state.status = event.kind
        state.since = event.time
        break
      case 'fault':
        state.lastFault = { code: event.code ?? 'unknown', detail: event.detail ?? '', time: event.time }
        break
    }
    this.#devices.set(event.deviceId, state)
  }

  /** The asset's latest values (by metric name) and its devices' states (unknown for those not heard of). */
  view(assetId: string, deviceIds: readonly string[]): AssetBoardView {
    const latest = [...(this.#latest.get(assetId)?.values() ?? [])]
      .map((value) => ({ ...value }))
      .sort((a, b) => a.metric.localeCompare(b.metric))
    const devices = deviceIds.map((deviceId) => ({
      ...(this.#devices.get(deviceId) ?? { deviceId, status: 'unknown' as const, since: null, lastFault: null }),
    }))
    return { latest, devices }
  }
}
