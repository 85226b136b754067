import { z } from 'zod'
import {
  FLEET_KINDS, fleetProblems, fleetSchema, isForewarnError, saveFleetFile,
  type Fleet, type FleetData, type FleetUpdate,
} from '../../core/index.js'
import type { Dispatch } from '../../dispatch/index.js'
import type { ApiApp } from '../app-types.js'
import { ApiError } from '../errors.js'
import { OPERATORS, type Principal } from '../principal.js'

const TAGS = ['fleet']

export interface FleetRouteDeps {
  fleet: Fleet
  /** Where every change is saved: <data.dir>/fleet.json, loaded instead of fleet.file from then on. */
  file: string
}

export interface FleetImportDeps extends FleetRouteDeps {
  /** Open work orders pin their assets: dispatch cannot plan, escalate or close work for an asset it cannot look up. */
  workOrders: Pick<Dispatch, 'listWorkOrders'>
}

/**
 * The body is a whole fleet file. Beyond its schema, duplicate ids and unknown references
 * are validation errors too, each naming its field (`body.devices.3.assetId`), so one
 * answer lists everything to fix.
 */
const importBody = fleetSchema.superRefine((data, ctx) => {
  for (const problem of fleetProblems(data)) {
    ctx.addIssue({ code: 'custom', path: pathOf(problem.field), message: problem.message })
  }
}).describe('a whole fleet file, as fleet/sample.json')

const ids = z.array(z.string())
const kindChange = z.object({ added: ids, removed: ids, changed: ids })
const importAnswer = z.object({
  counts: z.object(Object.fromEntries(FLEET_KINDS.map((kind) => [kind, z.number().int()]))),
  changes: z.object(Object.fromEntries(FLEET_KINDS.map((kind) => [kind, kindChange]))),
  disconnected: z.array(z.object({
    deviceId: z.string(),
    reason: z.enum(['removed', 'disabled', 'secret_changed']),
  })).describe('devices whose connections were closed: removed, disabled, or with a new secret hash'),
})

/** Operators replace the whole fleet at run time. */
export function fleetRoutes(app: ApiApp, deps: FleetImportDeps): void {
  app.post('/api/fleet/import', {
    config: { roles: OPERATORS },
    schema: {
      tags: TAGS,
      summary: 'Replace the whole fleet, all or nothing; devices removed, disabled or re-keyed are disconnected',
      body: importBody,
      response: { 200: importAnswer },
    },
  }, async (request) => {
    refuseRemovingBusyAssets(deps, request.body)
    const update = changeFleet(deps, request.body)
    const changed = Object.fromEntries(FLEET_KINDS.map((kind) => [kind, update.changes[kind]]))
    request.log.info({ by: (request.principal as Principal).keyId, changes: changed, revoked: update.revoked },
      'fleet imported')
    return { counts: countsOf(deps.fleet.data), changes: update.changes, disconnected: update.revoked }
  })
}

/**
 * Replaces the fleet with `data`, saved before it takes effect: a change that cannot be
 * saved does not happen, so a restart never brings back a secret that was rotated away.
 */
export function changeFleet(deps: FleetRouteDeps, data: FleetData): FleetUpdate {
  try {
    return deps.fleet.replace(data, (next) => save(deps.file, next))
  } catch (err: unknown) {
    if (!isForewarnError(err) || err.code !== 'FW_ERR_CFG_FLEET_INVALID') throw err
    // Callers check what they can first; this is the last guard, and names what it found.
    const problems = err.details?.problems ?? []
    throw new ApiError('FW_ERR_API_FLEET_INVALID', 400, err.message, { details: { problems } })
  }
}

/** An asset with open work orders stays until they are completed or cancelled. */
function refuseRemovingBusyAssets(deps: FleetImportDeps, next: FleetData): void {
  const kept = new Set(next.assets.map((asset) => asset.id))
  const busy: Record<string, string[]> = {}
  for (const asset of deps.fleet.data.assets) {
    if (kept.has(asset.id)) continue
    const open = deps.workOrders.listWorkOrders({ status: 'open', assetId: asset.id, limit: 20 }).items
    if (open.length > 0) busy[asset.id] = open.map((workOrder) => workOrder.id)
  }
  const assetIds = Object.keys(busy)
  if (assetIds.length === 0) return
  const message = `the import removes assets with open work orders: ${assetIds.join(', ')}; `
    + 'complete or cancel those work orders first'
  throw new ApiError('FW_ERR_API_FLEET_IN_USE', 409, message, { details: { openWorkOrders: busy } })
}

function save(file: string, data: FleetData): void {
  try {
    saveFleetFile(file, data)
  } catch (err: unknown) {
    throw new ApiError('FW_ERR_API_FLEET_NOT_SAVED', 500, 'the fleet could not be saved; nothing changed', {
      cause: err, details: { file },
    })
  }
}

function countsOf(data: FleetData): Record<string, number> {
  return Object.fromEntries(FLEET_KINDS.map((kind) => {
    return [kind, kind === 'equipmentTypes' ? Object.keys(data.equipmentTypes).length : data[kind].length]
  }))
}

/** 'devices.3.assetId' → ['devices', 3, 'assetId'] */
function pathOf(field: string): Array<string | number> {
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
}
