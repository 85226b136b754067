import { basename } from 'node:path'
import { hashSecret, parseFleet, type Fleet } from '../core/index.js'

/** Customer, site and planner of the sample fleet that replayed machines belong to. */
const REPLAY_SITE = 'replay-lab-site'
const REPLAY_OWNER = 'planner-dana'

/**
 * Adds one device and its asset (equipment type `generic`: no metric profiles, so only the
 * anomaly baseline applies) to a fleet, for replaying a CSV file as that device's telemetry.
 */
export function addReplayDevice(base: Fleet, deviceId: string, secret: string, file: string): Fleet {
  const assetId = `asset-${deviceId}`
  const data = structuredClone(base.data)
  data.assets.push({
    id: assetId,
    name: `Replayed machine (${basename(file)})`,
    siteId: REPLAY_SITE,
    equipmentType: 'generic',
    ownerId: REPLAY_OWNER,
  })
  data.devices.push({ id: deviceId, assetId, secretHash: hashSecret(secret) })
  return parseFleet(data)
}
