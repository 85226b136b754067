import type {
  Asset, Customer, EquipmentType, Fleet, Planner, Severity, SignalKind, Site, Technician, WorkOrder,
} from '../core/index.js'
import type { DispatchContext } from './context.js'
import { UnknownAssetError } from './errors.js'
import type { Playbook } from './playbook-file.js'
import { playbookNamed, selectPlaybook } from './playbooks.js'

/** An asset with everything the fleet says about it. */
export interface AssetContext {
  asset: Asset
  site: Site
  customer: Customer
  equipmentType: EquipmentType
}

/** A work order's asset context plus its playbook, current owner and technician. */
export interface OrderContext extends AssetContext {
  playbook: Playbook
  owner: Planner
  technician: Technician | null
}

export function resolveAsset(fleet: Fleet, assetId: string): AssetContext {
  const asset = fleet.asset(assetId)
  if (asset === undefined) throw new UnknownAssetError(assetId, 'the fleet has no such asset')
  const site = fleet.site(asset.siteId)
  const customer = site === undefined ? undefined : fleet.customer(site.customerId)
  const equipmentType = fleet.equipmentType(asset.equipmentType)
  if (site === undefined || customer === undefined || fleet.planner(asset.ownerId) === undefined
    || equipmentType === undefined) {
    throw new UnknownAssetError(assetId, 'its site, customer, owner or equipment type is unknown')
  }
  return { asset, site, customer, equipmentType }
}

export function technicianById(fleet: Fleet, technicianId: string | null): Technician | null {
  if (technicianId === null) return null
  return fleet.data.technicians.find((t) => t.id === technicianId) ?? null
}

/**
 * The playbook a work order was opened under. A playbook renamed or removed since falls back
 * to whatever now matches its first signal, so old work orders keep a deadline and a chain.
 */
export function playbookOf(ctx: DispatchContext, workOrder: WorkOrder, equipmentType: string): Playbook {
  const named = playbookNamed(ctx.playbooks, workOrder.playbook)
  if (named !== undefined) return named
  const [first] = ctx.workOrders.signalsOf(workOrder.id)
  const kind = (first?.kind ?? 'anomaly') as SignalKind
  const severity = (first?.severity ?? 'warning') as Severity
  return selectPlaybook(ctx.playbooks, { kind, severity }, equipmentType)
}

export function orderContext(ctx: DispatchContext, workOrder: WorkOrder): OrderContext {
  const assetContext = resolveAsset(ctx.fleet, workOrder.assetId)
  const owner = ctx.fleet.planner(workOrder.ownerId) ?? ctx.fleet.planner(assetContext.asset.ownerId)
  if (owner === undefined) throw new UnknownAssetError(workOrder.assetId, `owner ${workOrder.ownerId} is unknown`)
  return {
    ...assetContext,
    playbook: playbookOf(ctx, workOrder, assetContext.asset.equipmentType),
    owner,
    technician: technicianById(ctx.fleet, workOrder.technicianId),
  }
}

/** Skill a playbook's work needs: its own, else the equipment type's. */
export function skillFor(playbook: Playbook, equipmentType: EquipmentType): string {
  return playbook.skill ?? equipmentType.skill
}
