import type { DeviceStatus } from './handlers/status.js'

/**
 * Last known status per device, so each change is reported once. Two sources say the same
 * thing: the broker's connect/disconnect and the device's own status messages (its retained
 * "online" after connecting, its last will "offline" on an unclean disconnect).
 * Memory is bounded by the fleet: only authenticated devices get an entry.
 */
export class Presence {
  readonly #last = new Map<string, DeviceStatus>()

  /** Records the status; true when it differs from the last one known. */
  change(deviceId: string, status: DeviceStatus): boolean {
    if (this.#last.get(deviceId) === status) return false
    this.#last.set(deviceId, status)
    return true
  }

  /** Forgets a device that left the fleet or was disabled; its next status is news again. */
  forget(deviceId: string): void {
    this.#last.delete(deviceId)
  }

  clear(): void {
    this.#last.clear()
  }
}
