import { FleetError } from './errors.js'
import type { Asset, Customer, Device, FleetData, Planner, Site, Technician } from './fleet-schema.js'

/** One thing wrong with fleet data: where (`devices.3.assetId`) and what. */
export interface FleetProblem {
  field: string
  message: string
}

/** Fleet data with a map per kind, so every lookup by id is O(1). */
export interface FleetIndex {
  readonly data: FleetData
  readonly customers: ReadonlyMap<string, Customer>
  readonly sites: ReadonlyMap<string, Site>
  readonly planners: ReadonlyMap<string, Planner>
  readonly technicians: ReadonlyMap<string, Technician>
  readonly assets: ReadonlyMap<string, Asset>
  readonly devices: ReadonlyMap<string, Device>
  /** Device ids by the asset they report for. */
  readonly devicesByAsset: ReadonlyMap<string, readonly string[]>
}

/**
 * Indexes schema-valid fleet data and checks what the schema cannot: unique ids and
 * references between kinds. Throws one FleetError listing every problem, so a person
 * fixing a file sees all of them at once; `details.problems` has them as sentences,
 * `details.fields` with the field each is about.
 */
export function indexFleet(data: FleetData): FleetIndex {
  const { index, problems } = buildIndex(data)
  if (problems.length > 0) throw fleetProblemsError('fleet is inconsistent', problems)
  return index
}

/** What the schema cannot check in schema-valid fleet data (duplicate ids, unknown references); empty when fine. */
export function fleetProblems(data: FleetData): FleetProblem[] {
  return buildIndex(data).problems
}

function buildIndex(data: FleetData): { index: FleetIndex, problems: FleetProblem[] } {
  const problems: FleetProblem[] = []
  const index: FleetIndex = {
    data,
    customers: indexById(data.customers, 'customers', problems),
    sites: indexById(data.sites, 'sites', problems),
    planners: indexById(data.planners, 'planners', problems),
    technicians: indexById(data.technicians, 'technicians', problems),
    assets: indexById(data.assets, 'assets', problems),
    devices: indexById(data.devices, 'devices', problems),
    devicesByAsset: groupDevices(data.devices),
  }
  problems.push(...referenceProblems(index))
  return { index, problems }
}

function groupDevices(devices: readonly Device[]): Map<string, string[]> {
  const byAsset = new Map<string, string[]>()
  for (const device of devices) byAsset.set(device.assetId, [...(byAsset.get(device.assetId) ?? []), device.id])
  return byAsset
}

/** The error for a list of problems; the message names each one. */
export function fleetProblemsError(summary: string, problems: FleetProblem[]): FleetError {
  const sentences = problems.map((p) => p.message)
  return new FleetError(`${summary}: ${sentences.join('; ')}`, { details: { problems: sentences, fields: problems } })
}

const SINGULAR: Record<string, string> = {
  customers: 'customer', sites: 'site', planners: 'planner', technicians: 'technician', assets: 'asset',
  devices: 'device',
}

function indexById<T extends { id: string }>(items: T[], kind: string, problems: FleetProblem[]): Map<string, T> {
  const map = new Map<string, T>()
  items.forEach((item, at) => {
    if (!map.has(item.id)) map.set(item.id, item)
    else problems.push({ field: `${kind}.${at}.id`, message: `duplicate ${SINGULAR[kind]} id ${item.id}` })
  })
  return map
}

function referenceProblems(index: FleetIndex): FleetProblem[] {
  const { data } = index
  const problems: FleetProblem[] = []
  const expect = (isKnown: boolean, field: string, message: string): void => {
    if (!isKnown) problems.push({ field, message })
  }
  data.sites.forEach((site, at) => {
    expect(index.customers.has(site.customerId), `sites.${at}.customerId`,
      `site ${site.id}: unknown customer ${site.customerId}`)
  })
  data.technicians.forEach((technician, at) => {
    technician.siteIds.forEach((siteId, i) => {
      const field = `technicians.${at}.siteIds.${i}`
      expect(index.sites.has(siteId), field, `technician ${technician.id}: unknown site ${siteId}`)
    })
  })
  data.assets.forEach((asset, at) => {
    const field = `assets.${at}`
    expect(index.sites.has(asset.siteId), `${field}.siteId`, `asset ${asset.id}: unknown site ${asset.siteId}`)
    expect(index.planners.has(asset.ownerId), `${field}.ownerId`, `asset ${asset.id}: unknown owner ${asset.ownerId}`)
    expect(Object.hasOwn(data.equipmentTypes, asset.equipmentType), `${field}.equipmentType`,
      `asset ${asset.id}: unknown equipment type ${asset.equipmentType}`)
  })
  data.devices.forEach((device, at) => {
    expect(index.assets.has(device.assetId), `devices.${at}.assetId`,
      `device ${device.id}: unknown asset ${device.assetId}`)
  })
  return problems
}
