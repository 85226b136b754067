import type { DeviceEvent, Fleet, Logger } from '../core/index.js'
import type { Dispatch } from '../dispatch/index.js'
import type { AssetBoardView } from './asset-board.js'
import { SILENT_DEVICE_MODE } from './silent-device.js'

export interface SilenceResolvedDeps {
  fleet: Fleet
  dispatch: Pick<Dispatch, 'listWorkOrders' | 'command'>
  board: { view(assetId: string, deviceIds: readonly string[]): AssetBoardView }
  logger: Logger
}

/** Who the work-order history names for these cancellations. */
export const SILENCE_RESOLVER = 'forewarn-gateway'

/**
 * A silent device that reports again no longer needs a connectivity visit: its asset's
 * `telemetry_lost` work order is cancelled, with the reason, while nobody is on the way yet
 * (proposed or scheduled) and no other device of the asset is still silent. Once a technician
 * is dispatched the visit stands: they may already be on site, and the planner decides.
 * Returns the ids of the work orders cancelled.
 */
export function cancelResolvedSilence(event: DeviceEvent, deps: SilenceResolvedDeps): string[] {
  if (event.kind !== 'resumed') return []
  const stillSilent = deps.board.view(event.assetId, deps.fleet.deviceIdsOf(event.assetId)).devices.some((d) => d.status === 'silent')
  if (stillSilent) return []
  const { items } = deps.dispatch.listWorkOrders({ assetId: event.assetId, status: 'open', limit: 50 })
  const waiting = items.filter((w) => w.failureMode === SILENT_DEVICE_MODE && (w.status === 'proposed' || w.status === 'scheduled'))
  const since = new Date(event.time).toISOString()
  for (const workOrder of waiting) {
    deps.dispatch.command(workOrder.id, {
      action: 'cancel', by: SILENCE_RESOLVER, reason: `device ${event.deviceId} reports again (since ${since})`,
    })
    deps.logger.info({ workOrderId: workOrder.id, assetId: event.assetId, deviceId: event.deviceId },
      'silent-device work order cancelled: telemetry resumed')
  }
  return waiting.map((w) => w.id)
}
