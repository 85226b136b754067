import { z } from 'zod'
import type { Asset, Fleet } from '../../core/index.js'
import type { Dispatch, WorkOrderView } from '../../dispatch/index.js'
import type { Ingest } from '../../ingest/index.js'
import type { AssetBoardView } from '../../app/asset-board.js'
import type { ApiApp } from '../app-types.js'
import { ApiError, notFound } from '../errors.js'
import { ANYONE, customerScope, technicianScope, type Principal } from '../principal.js'
import { fleetId, idParams, instantQuery } from '../schemas.js'

export interface AssetSources {
  fleet: Fleet
  dispatch: Pick<Dispatch, 'listWorkOrders' | 'now'>
  ingest: Pick<Ingest, 'query'>
  board: { view(assetId: string, deviceIds: readonly string[]): AssetBoardView }
}

const TAGS = ['assets']
const HEALTH = ['failing', 'at_risk', 'unmonitored', 'no_data', 'healthy'] as const
type Health = typeof HEALTH[number]
const OPEN_PAGE = 10_000
const MAX_POINTS = 10_000

const openWorkOrder = z.object({
  id: z.string(), status: z.string(), priority: z.number(), failureMode: z.string(), summary: z.string(),
  dueBy: z.number(), ownerId: z.string(), technicianId: z.string().nullable(),
  visit: z.object({ start: z.number(), end: z.number() }).nullable(),
  predictedFailure: z.object({ earliest: z.number(), mostLikely: z.number() }).nullable(),
  signalIds: z.array(z.string()).describe('the Signals (open evidence) this work order answers'),
})

const assetSchema = z.object({
  id: z.string(),
  name: z.string(),
  customerId: z.string(),
  site: z.object({ id: z.string(), name: z.string(), timeZone: z.string() }),
  equipmentType: z.object({ id: z.string(), name: z.string() }),
  ownerId: z.string(),
  health: z.enum(HEALTH).describe(
    'failing: an open work order is past its earliest predicted failure; at_risk: a work order is open; '
    + 'unmonitored: every device is silent or offline; no_data: nothing received since start; healthy: none of these',
  ),
  latest: z.array(z.object({ metric: z.string(), unit: z.string(), time: z.number(), value: z.number() })),
  devices: z.array(z.object({
    deviceId: z.string(),
    status: z.enum(['online', 'offline', 'silent', 'unknown']),
    since: z.number().nullable(),
    lastFault: z.object({ code: z.string(), detail: z.string(), time: z.number() }).nullable(),
  })),
  openWorkOrders: z.array(openWorkOrder),
})
type AssetBody = z.infer<typeof assetSchema>

const listQuery = z.object({
  customerId: fleetId.optional(),
  siteId: fleetId.optional(),
  equipmentType: fleetId.optional(),
  health: z.enum(HEALTH).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict()

const DURATION = /^([1-9]\d{0,8})(ms|s|m|h|d)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const telemetryQuery = z.object({
  metric: z.string().min(1).max(128),
  from: instantQuery.optional().describe('default: 24 hours before `to`'),
  to: instantQuery.optional().describe('default: now'),
  every: z.string().regex(DURATION, 'a duration such as 30s, 5m, 1h or 1d').optional()
    .describe('downsample into buckets of this length (aligned to the epoch); omitted: raw points'),
  aggregate: z.enum(['mean', 'min', 'max']).optional().describe('per bucket, with `every`; default mean'),
  limit: z.coerce.number().int().min(1).max(MAX_POINTS).default(1000),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
}).strict()

/**
 * Assets with their current health, latest values, devices and open work orders, and their
 * telemetry. Customer keys see their own customer's assets, technician keys the assets at the
 * sites they cover; any other id answers 404 as if it did not exist.
 */
export function assetRoutes(app: ApiApp, sources: AssetSources): void {
  const { fleet } = sources

  const visibleAsset = (principal: Principal, id: string): Asset => {
    const asset = fleet.asset(id)
    if (asset === undefined || !canSee(fleet, principal, asset)) throw notFound('asset', id)
    return asset
  }

  app.get('/api/assets', {
    config: { roles: ANYONE },
    schema: {
      tags: TAGS, summary: 'Assets with their health and open work orders', querystring: listQuery,
      response: {
        200: z.object({ items: z.array(assetSchema), total: z.number(), limit: z.number(), offset: z.number() }),
      },
    },
  }, async (request) => {
    const principal = request.principal as Principal
    const { limit, offset, health, ...where } = request.query
    const open = openByAsset(sources.dispatch)
    const matching = fleet.data.assets
      .filter((asset) => canSee(fleet, principal, asset) && matches(fleet, asset, where))
      .map((asset) => describeAsset(sources, asset, open.get(asset.id) ?? []))
      .filter((asset) => health === undefined || asset.health === health)
    return { items: matching.slice(offset, offset + limit), total: matching.length, limit, offset }
  })

  app.get('/api/assets/:id', {
    config: { roles: ANYONE },
    schema: { tags: TAGS, summary: 'One asset with its health', params: idParams, response: { 200: assetSchema } },
  }, async (request) => {
    const asset = visibleAsset(request.principal as Principal, request.params.id)
    return describeAsset(sources, asset, openByAsset(sources.dispatch, asset.id).get(asset.id) ?? [])
  })

  app.get('/api/assets/:id/telemetry', {
    config: { roles: ANYONE },
    schema: {
      tags: TAGS, summary: 'One metric of an asset over a time range, raw or downsampled, paged',
      params: idParams, querystring: telemetryQuery,
      response: {
        200: z.object({
          assetId: z.string(), metric: z.string(), unit: z.string(), from: z.number(), to: z.number(),
          every: z.string().nullable(), aggregate: z.enum(['mean', 'min', 'max']).nullable(),
          points: z.array(z.object({ time: z.number(), value: z.number() })),
          limit: z.number(), offset: z.number(),
          nextOffset: z.number().nullable().describe('pass as offset for the next page; null on the last page'),
        }),
      },
    },
  }, async (request) => {
    const asset = visibleAsset(request.principal as Principal, request.params.id)
    const { metric, every, limit, offset } = request.query
    const to = request.query.to ?? Date.now()
    const from = request.query.from ?? to - 86_400_000
    if (from >= to) {
      throw new ApiError('FW_ERR_HTTP_VALIDATION', 400, 'querystring.from: must be before to', {
        details: { field: 'querystring.from' },
      })
    }
    const everyMs = every === undefined ? undefined : durationMs(every)
    const aggregate = everyMs === undefined ? undefined : request.query.aggregate ?? 'mean'
    // One point more than asked tells whether another page follows, without a count query.
    const points = await sources.ingest.query({
      assetId: asset.id, metric, from, to, limit: limit + 1, offset,
      ...(everyMs === undefined ? {} : { everyMs, aggregate }),
    })
    const unit = fleet.equipmentType(asset.equipmentType)?.metrics[metric]?.unit ?? ''
    return {
      assetId: asset.id, metric, unit, from, to, every: every ?? null, aggregate: aggregate ?? null,
      points: points.slice(0, limit), limit, offset, nextOffset: points.length > limit ? offset + limit : null,
    }
  })
}

/** Whether the key may see the asset: staff always, a customer its own, a technician its sites'. */
export function canSee(fleet: Fleet, principal: Principal, asset: Asset): boolean {
  const site = fleet.site(asset.siteId)
  if (site === undefined) return false
  if (principal.role === 'customer') return site.customerId === customerScope(principal)
  if (principal.role === 'technician') {
    const scope = technicianScope(principal)
    const technician = scope === undefined ? undefined : fleet.technician(scope)
    return technician?.siteIds.includes(site.id) ?? false
  }
  return true
}

interface AssetFilter { customerId?: string, siteId?: string, equipmentType?: string }

function matches(fleet: Fleet, asset: Asset, where: AssetFilter): boolean {
  if (where.siteId !== undefined && asset.siteId !== where.siteId) return false
  if (where.equipmentType !== undefined && asset.equipmentType !== where.equipmentType) return false
  if (where.customerId !== undefined && fleet.site(asset.siteId)?.customerId !== where.customerId) return false
  return true
}

function openByAsset(dispatch: AssetSources['dispatch'], assetId?: string): Map<string, WorkOrderView[]> {
  const { items } = dispatch.listWorkOrders({
    status: 'open', limit: OPEN_PAGE, ...(assetId === undefined ? {} : { assetId }),
  })
  const byAsset = new Map<string, WorkOrderView[]>()
  for (const workOrder of items) byAsset.set(workOrder.assetId, [...(byAsset.get(workOrder.assetId) ?? []), workOrder])
  return byAsset
}

function describeAsset(sources: AssetSources, asset: Asset, open: WorkOrderView[]): AssetBody {
  const { fleet } = sources
  const site = fleet.site(asset.siteId)
  const type = fleet.equipmentType(asset.equipmentType)
  const board = sources.board.view(asset.id, fleet.deviceIdsOf(asset.id))
  const latest = board.latest.map((l) => ({ ...l, unit: type?.metrics[l.metric]?.unit ?? '' }))
  const now = sources.dispatch.now()
  return {
    id: asset.id,
    name: asset.name,
    customerId: site?.customerId ?? '',
    site: { id: asset.siteId, name: site?.name ?? '', timeZone: site?.timeZone ?? 'UTC' },
    equipmentType: { id: asset.equipmentType, name: type?.name ?? asset.equipmentType },
    ownerId: asset.ownerId,
    health: healthOf(open, board, now),
    latest,
    devices: board.devices,
    openWorkOrders: open.map((w) => ({
      id: w.id, status: w.status, priority: w.priority, failureMode: w.failureMode, summary: w.summary,
      dueBy: w.dueBy, ownerId: w.ownerId, technicianId: w.technicianId, visit: w.visit,
      predictedFailure: w.predictedFailure, signalIds: w.signalIds,
    })),
  }
}

function healthOf(open: WorkOrderView[], board: AssetBoardView, now: number): Health {
  if (open.some((w) => w.predictedFailure !== null && w.predictedFailure.earliest <= now)) return 'failing'
  if (open.length > 0) return 'at_risk'
  const heard = board.devices.filter((d) => d.status !== 'unknown')
  if (heard.length > 0 && heard.every((d) => d.status === 'silent' || d.status === 'offline')) return 'unmonitored'
  if (board.latest.length === 0) return 'no_data'
  return 'healthy'
}

function durationMs(text: string): number {
  const match = DURATION.exec(text) as RegExpExecArray
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number)
}
