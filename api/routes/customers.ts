import { z } from 'zod'
import type { Customer, Fleet } from '../../core/index.js'
import {
  LANGUAGES, canonicalTimeZone, type Dispatch, type PreferenceChanges,
} from '../../dispatch/index.js'
import type { ApiApp } from '../app-types.js'
import { notFound } from '../errors.js'
import { STAFF, customerScope, type Principal, type Role } from '../principal.js'
import { fleetId, idParams, pageOf, paging } from '../schemas.js'
import { customerStatus, customerStatusSchema, type StatusSources } from './customer-status.js'

type CustomerDispatch = StatusSources & Pick<Dispatch,
  'listNotices' | 'countNotices' | 'customerPreferences' | 'updateCustomerPreferences'>

export interface CustomerRouteDeps {
  fleet: Fleet
  dispatch: CustomerDispatch
}

const TAGS = ['customers']
/** Staff see every customer; a customer key sees its own customer and no other. */
const STAFF_AND_OWN_CUSTOMER: readonly Role[] = [...STAFF, 'customer']

const customerSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().describe('where customer emails go'),
  timeZone: z.string().describe('from the customer\'s preferences, else the fleet file'),
  webhookConfigured: z.boolean(),
  sites: z.array(z.object({ id: z.string(), name: z.string(), timeZone: z.string() })),
  assets: z.array(z.object({ id: z.string(), name: z.string(), siteId: z.string(), equipmentType: z.string() })),
})

const noticeSchema = z.object({
  id: z.string(),
  workOrderId: z.string(),
  channel: z.enum(['email', 'webhook']),
  template: z.string().describe('which notice: visit-scheduled, technician-on-the-way, customer-digest, ...'),
  subject: z.string().describe('the email subject, or the webhook event type'),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  createdAt: z.number().describe('queued at (epoch milliseconds)'),
  sentAt: z.number().nullable(),
  digestId: z.string().nullable().describe('the digest email that carried it, if it went out in one'),
})

const noticeQuery = z.object({
  workOrderId: fleetId.optional().describe('only notices about this work order'),
  ...paging,
}).strict()

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time of day as HH:MM')
const quietHours = z.object({ start: timeOfDay, end: timeOfDay }).strict()
  .refine((q) => q.start !== q.end, { path: ['end'], message: 'equal to the start; send null for no quiet hours' })
  .nullable()
  .describe('customer emails wait until `end` inside this window of the customer\'s clock; null: none')
const timeZone = z.string().max(64).refine((zone) => canonicalTimeZone(zone) !== undefined, 'unknown IANA time zone')
  .describe('IANA time zone (Europe/Berlin) of visit windows in notices and of the quiet hours')
const language = z.enum(LANGUAGES).describe('language of customer notices')

const preferencesSchema = z.object({
  customerId: z.string(),
  channels: z.object({ email: z.boolean(), webhook: z.boolean() }),
  webhookAvailable: z.boolean().describe('whether the fleet file gives the customer a webhook to turn on'),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  language,
  timeZone: z.string(),
  overridden: z.array(z.string()).describe('fields set here; the others follow the fleet file'),
  updatedAt: z.number().nullable().describe('wall-clock epoch milliseconds of the last change'),
  updatedBy: z.string().nullable().describe('the API key that made the last change'),
})

const putBody = z.object({
  channels: z.object({ email: z.boolean(), webhook: z.boolean() }).strict(),
  quietHours,
  language,
  timeZone,
}).strict()

const patchBody = z.object({
  channels: z.object({ email: z.boolean().optional(), webhook: z.boolean().optional() }).strict().optional(),
  quietHours: quietHours.optional(),
  language: language.optional(),
  timeZone: timeZone.optional(),
}).strict().refine((body) => Object.keys(body).length > 0, 'name at least one preference to change')

/**
 * Customers: staff see every one; a customer key sees its own and gets 404 for any other id,
 * exactly as for an id that does not exist.
 */
export function customerRoutes(app: ApiApp, deps: CustomerRouteDeps): void {
  const { fleet, dispatch } = deps
  const visible = (principal: Principal, id: string): Customer => {
    const customer = fleet.customer(id)
    const confined = principal.role === 'customer' && customerScope(principal) !== id
    if (customer === undefined || confined) throw notFound('customer', id)
    return customer
  }
  const describe = (customer: Customer) =>
    describeCustomer(fleet, customer, dispatch.customerPreferences(customer.id).timeZone)

  app.get('/api/customers', {
    config: { roles: STAFF },
    schema: { tags: TAGS, summary: 'Every customer', querystring: z.object(paging).strict(), response: { 200: pageOf(customerSchema) } },
  }, async (request) => {
    const { limit, offset } = request.query
    const all = fleet.data.customers
    return { items: all.slice(offset, offset + limit).map(describe), total: all.length, limit, offset }
  })

  app.get('/api/customers/:id', {
    config: { roles: STAFF_AND_OWN_CUSTOMER },
    schema: { tags: TAGS, summary: 'One customer with its sites and assets', params: idParams, response: { 200: customerSchema } },
  }, async (request) => describe(visible(request.principal as Principal, request.params.id)))

  app.get('/api/customers/:id/status', {
    config: { roles: STAFF_AND_OWN_CUSTOMER },
    schema: {
      tags: TAGS, params: idParams, response: { 200: customerStatusSchema },
      summary: 'Each asset\'s status, the open cases with their owner, and the next visit',
    },
  }, async (request) => {
    const customer = visible(request.principal as Principal, request.params.id)
    return customerStatus(fleet, dispatch, customer, dispatch.customerPreferences(customer.id).timeZone)
  })

  app.get('/api/customers/:id/notices', {
    config: { roles: STAFF_AND_OWN_CUSTOMER },
    schema: {
      tags: TAGS, summary: 'Notices sent to the customer, newest first', params: idParams, querystring: noticeQuery,
      response: { 200: pageOf(noticeSchema) },
    },
  }, async (request) => {
    const customer = visible(request.principal as Principal, request.params.id)
    const { workOrderId, limit, offset } = request.query
    // The customer id comes from the checked path, never the query; staff alerts are not the customer's.
    const filter = { customerId: customer.id, audience: 'customer' as const, ...(workOrderId === undefined ? {} : { workOrderId }) }
    const items = dispatch.listNotices({ ...filter, order: 'newest', limit, offset })
    return { items, total: dispatch.countNotices(filter), limit, offset }
  })

  app.get('/api/customers/:id/preferences', {
    config: { roles: STAFF_AND_OWN_CUSTOMER },
    schema: {
      tags: TAGS, summary: 'Notification preferences in force', params: idParams, response: { 200: preferencesSchema },
    },
  }, async (request) => dispatch.customerPreferences(visible(request.principal as Principal, request.params.id).id))

  const change = (principal: Principal, id: string, changes: PreferenceChanges) =>
    dispatch.updateCustomerPreferences(visible(principal, id).id, changes, changedBy(principal))

  app.put('/api/customers/:id/preferences', {
    config: { roles: STAFF_AND_OWN_CUSTOMER },
    schema: {
      tags: TAGS, summary: 'Set every notification preference', params: idParams, body: putBody,
      response: { 200: preferencesSchema },
    },
  }, async (request) => change(request.principal as Principal, request.params.id, request.body))

  app.patch('/api/customers/:id/preferences', {
    config: { roles: STAFF_AND_OWN_CUSTOMER },
    schema: {
      tags: TAGS, summary: 'Change the notification preferences named; the rest stay', params: idParams,
      body: patchBody, response: { 200: preferencesSchema },
    },
  }, async (request) => change(request.principal as Principal, request.params.id, definedOnly(request.body)))
}

/** The audit names the key itself (label, role, id), so a change can be traced to the key that made it. */
function changedBy(principal: Principal): string {
  return `${principal.name} (${principal.role} key ${principal.keyId})`
}

function describeCustomer(fleet: Fleet, customer: Customer, timeZone: string): z.infer<typeof customerSchema> {
  const sites = fleet.data.sites.filter((s) => s.customerId === customer.id)
  const siteIds = new Set(sites.map((s) => s.id))
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    timeZone,
    webhookConfigured: customer.webhook !== undefined,
    sites: sites.map(({ id, name, timeZone: zone }) => ({ id, name, timeZone: zone })),
    assets: fleet.data.assets.filter((a) => siteIds.has(a.siteId))
      .map(({ id, name, siteId, equipmentType }) => ({ id, name, siteId, equipmentType })),
  }
}

/** PATCH bodies leave out what stays; an explicit `quietHours: null` is kept (it means "none"). */
function definedOnly(body: z.infer<typeof patchBody>): PreferenceChanges {
  const changes: PreferenceChanges = {}
  if (body.channels !== undefined) changes.channels = definedChannels(body.channels)
  if (body.quietHours !== undefined) changes.quietHours = body.quietHours
  if (body.language !== undefined) changes.language = body.language
  if (body.timeZone !== undefined) changes.timeZone = body.timeZone
  return changes
}

function definedChannels(channels: { email?: boolean, webhook?: boolean }): PreferenceChanges['channels'] {
  return {
    ...(channels.email === undefined ? {} : { email: channels.email }),
    ...(channels.webhook === undefined ? {} : { webhook: channels.webhook }),
  }
}
