import { readFileSync } from 'node:fs'
import { FleetError } from './errors.js'
import { diffFleets, type FleetUpdate } from './fleet-diff.js'
import { fleetProblemsError, indexFleet, type FleetIndex } from './fleet-index.js'
import {
  fleetSchema, type Asset, type Customer, type Device, type EquipmentType, type FleetData, type Planner, type Site,
  type Technician,
} from './fleet-schema.js'
import type { AssetTags } from './records.js'

export type {
  FleetData, Customer, Site, Planner, Technician, EquipmentType, MetricProfile, Asset, Device,
} from './fleet-schema.js'

/** Told after every replacement of the fleet; must not throw (see Fleet.replace). */
export type FleetListener = (update: FleetUpdate) => void

/**
 * The validated fleet with O(1) lookups by id. Every capability holds this one instance and
 * looks things up when it needs them, so a change reaches all of them at once.
 *
 * It changes only through `replace`, which validates the whole new fleet first and then
 * swaps every map in one assignment: a reader sees the old fleet or the new one, never a
 * mix. `data` and the records it holds are the current snapshot; treat them as read-only
 * (change a copy and hand it to `replace`).
 */
export class Fleet {
  #index: FleetIndex
  readonly #listeners = new Set<FleetListener>()

  constructor(data: FleetData) {
    this.#index = indexFleet(data)
  }

  get data(): FleetData { return this.#index.data }

  customer(customerId: string): Customer | undefined { return this.#index.customers.get(customerId) }
  site(siteId: string): Site | undefined { return this.#index.sites.get(siteId) }
  planner(plannerId: string): Planner | undefined { return this.#index.planners.get(plannerId) }
  technician(technicianId: string): Technician | undefined { return this.#index.technicians.get(technicianId) }
  asset(assetId: string): Asset | undefined { return this.#index.assets.get(assetId) }
  device(deviceId: string): Device | undefined { return this.#index.devices.get(deviceId) }
  /** The ids of the devices that report for an asset (none for an unknown asset). */
  deviceIdsOf(assetId: string): readonly string[] { return this.#index.devicesByAsset.get(assetId) ?? [] }
  equipmentType(typeId: string): EquipmentType | undefined {
    return Object.hasOwn(this.data.equipmentTypes, typeId) ? this.data.equipmentTypes[typeId] : undefined
  }

  /** Tags of an asset; the fleet's references were checked when it was built, so these exist. */
  assetTags(assetId: string): AssetTags {
    const asset = this.#index.assets.get(assetId)
    if (asset === undefined) throw new FleetError(`unknown asset ${assetId}`, { details: { assetId } })
    const site = this.#index.sites.get(asset.siteId) as Site
    return { siteId: site.id, customerId: site.customerId, equipmentType: asset.equipmentType }
  }

  /**
   * Replaces the whole fleet, all or nothing. `data` is checked (unique ids, references)
   * before anything changes; `commit` (saving it, say) runs next, and its throw leaves the
   * fleet as it was too. Then the new fleet is swapped in and every listener is told what
   * changed. A listener's throw does not undo the change: the others still run and the
   * first throw is rethrown afterwards.
   */
  replace(data: FleetData, commit?: (data: FleetData) => void): FleetUpdate {
    const next = indexFleet(data)
    const update = diffFleets(this.#index, next)
    commit?.(next.data)
    this.#index = next

    let failure: unknown
    for (const listener of this.#listeners) {
      try {
        listener(update)
      } catch (err: unknown) {
        failure ??= err
      }
    }
    if (failure !== undefined) throw failure
    return update
  }

  /** Calls `listener` after each replace; returns the function that stops it. */
  onChange(listener: FleetListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }
}

/** Validates fleet data (parsed JSON, of unknown shape) against the fleet file's schema. */
export function validateFleetData(input: unknown): FleetData {
  const parsed = fleetSchema.safeParse(input)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.join('.')
      return { field, message: `${field}: ${issue.message}` }
    })
    throw fleetProblemsError('fleet is invalid', problems)
  }
  return parsed.data
}

/** Validates fleet data (already parsed JSON) and builds the lookups. */
export function parseFleet(input: unknown): Fleet {
  return new Fleet(validateFleetData(input))
}

/** Reads and validates a fleet file. */
export function loadFleet(file: string): Fleet {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err: unknown) {
    throw new FleetError(`fleet file ${file} could not be read as JSON`, { cause: err, details: { file } })
  }
  return parseFleet(raw)
}
