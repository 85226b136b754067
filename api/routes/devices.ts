import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { hashSecret, type Device, type Fleet } from '../../core/index.js'
import type { ApiApp } from '../app-types.js'
import { ApiError, notFound } from '../errors.js'
import { OPERATORS, type Principal } from '../principal.js'
import { fleetId, idParams, pageOf, paging } from '../schemas.js'
import { changeFleet, type FleetRouteDeps } from './fleet.js'

const TAGS = ['devices']
/** 32 random bytes: far beyond guessing, and the scrypt hash makes a leaked fleet file slow to attack. */
const SECRET_BYTES = 32

/** A device as operators see it: never its secret, nor the hash of it. */
const deviceView = z.object({
  id: z.string(),
  assetId: z.string(),
  siteId: z.string(),
  customerId: z.string(),
  reportIntervalSeconds: z.number().nullable().describe('the device\'s own; null: its equipment type\'s, or learnt'),
  disabled: z.boolean().describe('a disabled device is refused at CONNECT'),
})
const withSecret = deviceView.extend({
  secret: z.string().describe('the MQTT password (user name and clientId = device id); shown this once'),
})

const listQuery = z.object({
  assetId: fleetId.optional(),
  customerId: fleetId.optional(),
  disabled: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  ...paging,
}).strict()

/** Actions take no fields; a field sent anyway is a mistake worth hearing about. */
const noFields = z.object({}).strict().nullish().describe('no fields: send {} or no body')

const newDevice = z.object({
  id: fleetId.describe('the device id: MQTT user name, clientId and topic level'),
  assetId: fleetId.describe('an asset the fleet has'),
  reportIntervalSeconds: z.number().positive().max(31_536_000).optional()
    .describe('how often it sends telemetry; overrides the equipment type\'s'),
}).strict()

/**
 * Operators' device administration. Every change is saved to the data directory before it
 * takes effect, and the gateway closes the connection of a device whose secret was rotated
 * or that was disabled (it listens to the fleet).
 */
export function deviceRoutes(app: ApiApp, deps: FleetRouteDeps): void {
  const { fleet } = deps
  const existing = (id: string): Device => {
    const device = fleet.device(id)
    if (device === undefined) throw notFound('device', id)
    return device
  }
  const by = (principal: Principal | undefined): string | undefined => principal?.keyId

  app.get('/api/devices', {
    config: { roles: OPERATORS },
    schema: {
      tags: TAGS, summary: 'List devices in fleet order', querystring: listQuery, response: { 200: pageOf(deviceView) },
    },
  }, async (request) => {
    const { assetId, customerId, disabled, limit, offset } = request.query
    const matching = fleet.data.devices.map((device) => viewOf(fleet, device)).filter((view) => {
      return (assetId === undefined || view.assetId === assetId)
        && (customerId === undefined || view.customerId === customerId)
        && (disabled === undefined || view.disabled === disabled)
    })
    return { items: matching.slice(offset, offset + limit), total: matching.length, limit, offset }
  })

  app.get('/api/devices/:id', {
    config: { roles: OPERATORS },
    schema: { tags: TAGS, summary: 'One device', params: idParams, response: { 200: deviceView } },
  }, async (request) => viewOf(fleet, existing(request.params.id)))

  app.post('/api/devices', {
    config: { roles: OPERATORS },
    schema: {
      tags: TAGS, summary: 'Register a device for an asset; the answer holds its secret, shown this once',
      body: newDevice, response: { 201: withSecret },
    },
  }, async (request, reply) => {
    const { id, assetId, reportIntervalSeconds } = request.body
    if (fleet.device(id) !== undefined) {
      throw new ApiError('FW_ERR_API_DEVICE_EXISTS', 409, `a device ${id} exists already`, {
        details: { field: 'body.id' },
      })
    }
    if (fleet.asset(assetId) === undefined) {
      throw new ApiError('FW_ERR_API_FLEET_INVALID', 400, `body.assetId: no asset ${assetId}`, {
        details: { field: 'body.assetId' },
      })
    }
    const secret = newSecret()
    const device: Device = { id, assetId, secretHash: hashSecret(secret) }
    if (reportIntervalSeconds !== undefined) device.reportIntervalSeconds = reportIntervalSeconds
    changeFleet(deps, { ...fleet.data, devices: [...fleet.data.devices, device] })
    request.log.info({ deviceId: id, assetId, by: by(request.principal) }, 'device registered')
    return reply.code(201).send({ ...viewOf(fleet, device), secret })
  })

  app.post('/api/devices/:id/rotate-secret', {
    config: { roles: OPERATORS },
    schema: {
      tags: TAGS, params: idParams, body: noFields, response: { 200: withSecret },
      summary: 'New secret, shown this once; the old one stops working and the device is disconnected',
    },
  }, async (request) => {
    const current = existing(request.params.id)
    const secret = newSecret()
    const device = replaceDevice(deps, { ...current, secretHash: hashSecret(secret) })
    const fields = { deviceId: device.id, assetId: device.assetId, by: by(request.principal) }
    request.log.info(fields, 'device secret rotated')
    return { ...viewOf(fleet, device), secret }
  })

  for (const action of ['disable', 'enable'] as const) {
    app.post(`/api/devices/:id/${action}`, {
      config: { roles: OPERATORS },
      schema: {
        tags: TAGS, params: idParams, body: noFields, response: { 200: deviceView },
        summary: action === 'disable'
          ? 'Refuse the device at CONNECT from now on, and disconnect it'
          : 'Let a disabled device connect again',
      },
    }, async (request) => {
      const current = existing(request.params.id)
      const disabled = action === 'disable'
      if ((current.disabled === true) === disabled) return viewOf(fleet, current)
      const device = replaceDevice(deps, withDisabled(current, disabled))
      const fields = { deviceId: device.id, assetId: device.assetId, by: by(request.principal) }
      request.log.info(fields, disabled ? 'device disabled' : 'device enabled')
      return viewOf(fleet, device)
    })
  }
}

function replaceDevice(deps: FleetRouteDeps, device: Device): Device {
  const { data } = deps.fleet
  changeFleet(deps, { ...data, devices: data.devices.map((d) => (d.id === device.id ? device : d)) })
  return device
}

/** Enabled is the flag's absence, so a re-enabled device reads exactly as one never disabled. */
function withDisabled(device: Device, disabled: boolean): Device {
  const copy = { ...device }
  if (disabled) copy.disabled = true
  else delete copy.disabled
  return copy
}

function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url')
}

function viewOf(fleet: Fleet, device: Device): z.infer<typeof deviceView> {
  const tags = fleet.assetTags(device.assetId)
  return {
    id: device.id,
    assetId: device.assetId,
    siteId: tags.siteId,
    customerId: tags.customerId,
    reportIntervalSeconds: device.reportIntervalSeconds ?? null,
    disabled: device.disabled === true,
  }
}
