import { isDeepStrictEqual } from 'node:util'
import type { FleetIndex } from './fleet-index.js'
import type { FleetData } from './fleet-schema.js'

/** The kinds of things a fleet holds, as named in the fleet file. */
export const FLEET_KINDS = [
  'customers', 'sites', 'planners', 'technicians', 'equipmentTypes', 'assets', 'devices',
] as const
export type FleetKind = typeof FLEET_KINDS[number]

/** Ids added, removed, and present in both but different, of one kind. */
export interface KindChange {
  added: string[]
  removed: string[]
  changed: string[]
}

/**
 * Why a device's connection must end: it is gone, it was disabled, or its secret changed
 * (the connection was authenticated with a secret that no longer opens the door).
 */
export type RevocationReason = 'removed' | 'disabled' | 'secret_changed'

export interface DeviceRevocation {
  deviceId: string
  reason: RevocationReason
}

/** What one replacement of the fleet changed; handed to every change listener. */
export interface FleetUpdate {
  changes: Record<FleetKind, KindChange>
  /** Devices whose current connections must be closed. */
  revoked: DeviceRevocation[]
}

/** Compares two indexed fleets, kind by kind, in the order of the new fleet's file. */
export function diffFleets(before: FleetIndex, after: FleetIndex): FleetUpdate {
  const changes = Object.fromEntries(FLEET_KINDS.map((kind) => {
    return [kind, diffKind(entriesOf(before.data, kind), entriesOf(after.data, kind))]
  })) as Record<FleetKind, KindChange>
  return { changes, revoked: revocations(before, after) }
}

function revocations(before: FleetIndex, after: FleetIndex): DeviceRevocation[] {
  const revoked: DeviceRevocation[] = []
  for (const [deviceId, old] of before.devices) {
    const now = after.devices.get(deviceId)
    if (now === undefined) revoked.push({ deviceId, reason: 'removed' })
    else if (now.disabled === true && old.disabled !== true) revoked.push({ deviceId, reason: 'disabled' })
    else if (now.secretHash !== old.secretHash) revoked.push({ deviceId, reason: 'secret_changed' })
  }
  return revoked
}

function entriesOf(data: FleetData, kind: FleetKind): Map<string, unknown> {
  if (kind === 'equipmentTypes') return new Map(Object.entries(data.equipmentTypes))
  return new Map(data[kind].map((item) => [item.id, item]))
}

function diffKind(before: Map<string, unknown>, after: Map<string, unknown>): KindChange {
  const change: KindChange = { added: [], removed: [], changed: [] }
  for (const [id, item] of after) {
    const old = before.get(id)
    if (old === undefined) change.added.push(id)
    else if (old !== item && !isDeepStrictEqual(old, item)) change.changed.push(id)
  }
  for (const id of before.keys()) if (!after.has(id)) change.removed.push(id)
  return change
}
