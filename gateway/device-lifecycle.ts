import type { Clock, Config, Device, DeviceEvent, Fleet, FleetUpdate, Logger } from '../core/index.js'
import type { StatusOrigin } from './admit.js'
import type { DeviceStatus } from './handlers/status.js'
import { Liveness, type LivenessChange } from './liveness.js'
import { Presence } from './presence.js'

export interface DeviceLifecycleDeps {
  fleet: Fleet
  clock: Clock
  logger: Logger
  mqtt: Config['mqtt']
  onDeviceEvent: (event: DeviceEvent) => void
}

/**
 * What the gateway reports about devices as DeviceEvents: online/offline from connections
 * and status messages, silent/resumed from liveness, and device-reported faults. Status is
 * taken only from live sources (a connection, a message the device publishes now, its will
 * when the broker sees it die), never from a retained message: the embedded broker keeps
 * retained messages in memory only, and the gateway never reads them back, so after a
 * restart every device starts unknown until it connects or falls silent.
 */
export class DeviceLifecycle {
  readonly #deps: DeviceLifecycleDeps
  readonly #presence = new Presence()
  readonly #liveness: Liveness
  #timer: NodeJS.Timeout | null = null
  #isStopping = false

  constructor(deps: DeviceLifecycleDeps) {
    this.#deps = deps
    this.#liveness = new Liveness({
      silenceFactor: deps.mqtt.silenceFactor,
      silenceMinMs: deps.mqtt.silenceMinMs,
      configuredIntervalMs: (deviceId) => configuredIntervalMs(deps.fleet, deviceId),
    })
  }

  get silentCount(): number {
    return this.#liveness.silentCount
  }

  /** Watches every device with a configured interval from now, and checks silence periodically. */
  start(): void {
    this.#isStopping = false
    const now = this.#deps.clock.now()
    for (const device of this.#deps.fleet.data.devices) this.#watchIfConfigured(device, now)
    this.#timer = setInterval(() => this.checkSilence(), this.#deps.mqtt.silenceCheckIntervalMs)
  }

  /**
   * The fleet changed at run time. Removed and disabled devices are no longer watched (a
   * disabled device's silence is expected, not a failing part); added and re-enabled ones
   * with a configured interval are watched from now, as every such device is at start-up.
   */
  fleetChanged(update: FleetUpdate): void {
    if (this.#timer === null) return
    const { fleet } = this.#deps
    const now = this.#deps.clock.now()
    for (const deviceId of update.changes.devices.removed) this.#forget(deviceId)
    for (const deviceId of [...update.changes.devices.added, ...update.changes.devices.changed]) {
      const device = fleet.device(deviceId)
      if (device === undefined) continue
      if (device.disabled === true) this.#forget(deviceId)
      else this.#watchIfConfigured(device, now)
    }
  }

  /** Stops reporting; shutting down is not every device going offline. */
  stop(): void {
    this.#isStopping = true
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    this.#presence.clear()
    this.#liveness.clear()
  }

  connected(device: Device): void {
    this.#reportStatus(device, 'online', this.#deps.clock.now())
  }

  /** `isClean`: the device sent DISCONNECT, so it said goodbye and is not watched for silence. */
  disconnected(device: Device, isClean: boolean): void {
    if (isClean) this.#liveness.announcedOffline(device.id)
    this.#reportStatus(device, 'offline', this.#deps.clock.now())
  }

  statusReported(device: Device, status: DeviceStatus, time: number, origin: StatusOrigin): void {
    // The device's own "offline" is a goodbye; its will, published by the broker, is not.
    if (status === 'offline' && !origin.isWill) this.#liveness.announcedOffline(device.id)
    this.#reportStatus(device, status, time)
  }

  telemetryAccepted(device: Device, arrivedAt: number): void {
    const change = this.#liveness.heard(device.id, arrivedAt)
    if (change !== null) this.#reportLiveness(device, change, arrivedAt)
  }

  /** Reports devices that fell silent; the timer calls it, tests may too. */
  checkSilence(): void {
    const now = this.#deps.clock.now()
    for (const change of this.#liveness.sweep(now)) {
      const device = this.#deps.fleet.device(change.deviceId)
      if (device !== undefined && device.disabled !== true) this.#reportLiveness(device, change, now)
    }
  }

  /** Hands an event on; a consumer's throw is logged and never reaches aedes or the device. */
  emit(event: DeviceEvent): void {
    if (this.#isStopping) return
    try {
      this.#deps.onDeviceEvent(event)
    } catch (err: unknown) {
      this.#deps.logger.error({ err, deviceId: event.deviceId, assetId: event.assetId }, 'device event handler failed')
    }
  }

  #watchIfConfigured(device: Device, now: number): void {
    if (device.disabled === true) return
    if (configuredIntervalMs(this.#deps.fleet, device.id) !== undefined) this.#liveness.watchFrom(device.id, now)
  }

  #forget(deviceId: string): void {
    this.#liveness.forget(deviceId)
    this.#presence.forget(deviceId)
  }

  #reportStatus(device: Device, status: DeviceStatus, time: number): void {
    if (this.#isStopping || !this.#presence.change(device.id, status)) return
    this.emit({ deviceId: device.id, assetId: device.assetId, kind: status, time, tags: this.#tags(device) })
  }

  #reportLiveness(device: Device, change: LivenessChange, time: number): void {
    const { kind, lastSeenAt, expectedIntervalMs } = change
    const fields = { deviceId: device.id, assetId: device.assetId, lastSeenAt, expectedIntervalMs }
    if (kind === 'silent') this.#deps.logger.warn(fields, 'device fell silent')
    else this.#deps.logger.info(fields, 'device resumed')
    const tags = this.#tags(device)
    this.emit({ deviceId: device.id, assetId: device.assetId, kind, time, lastSeenAt, expectedIntervalMs, tags })
  }

  #tags(device: Device): DeviceEvent['tags'] {
    return this.#deps.fleet.assetTags(device.assetId)
  }
}

/** The report interval set in the fleet file: the device's own, else its equipment type's. */
export function configuredIntervalMs(fleet: Fleet, deviceId: string): number | undefined {
  const device = fleet.device(deviceId)
  if (device === undefined) return undefined
  const typeId = fleet.asset(device.assetId)?.equipmentType
  const seconds = device.reportIntervalSeconds
    ?? (typeId === undefined ? undefined : fleet.equipmentType(typeId)?.reportIntervalSeconds)
  return seconds === undefined ? undefined : seconds * 1000
}
