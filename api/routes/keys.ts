import { z } from 'zod'
import type { Fleet } from '../../core/index.js'
import type { ApiApp } from '../app-types.js'
import { ApiError } from '../errors.js'
import type { ApiKeyStore } from '../keys/key-store.js'
import { scopeProblem } from '../keys/key-scope.js'
import { OPERATORS, ROLES, type Role } from '../principal.js'
import { fleetId, idParams } from '../schemas.js'

const TAGS = ['api keys']

const keyInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  customerId: z.string().nullable(),
  technicianId: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
})

const newKey = z.object({
  name: z.string().trim().min(1).max(100).describe('who or what uses the key, for the audit trail'),
  role: z.enum(ROLES),
  customerId: fleetId.optional().describe('required for, and only for, the customer role'),
  technicianId: fleetId.optional().describe('required for, and only for, the technician role'),
}).strict()

/** Operators issue and revoke keys; a key's secret is in the creation answer and nowhere else. */
export function keyRoutes(app: ApiApp, keys: ApiKeyStore, fleet: Fleet): void {
  app.post('/api/keys', {
    config: { roles: OPERATORS },
    schema: {
      tags: TAGS, summary: 'Issue an API key; the answer holds the key, shown this once', body: newKey,
      response: { 201: keyInfo.extend({ key: z.string() }) },
    },
  }, async (request, reply) => {
    const { name, role, customerId, technicianId } = request.body
    checkScope(fleet, role, customerId, technicianId)
    const { key, info } = keys.create({ name, role, ...definedScope(customerId, technicianId) })
    request.log.info({ keyId: info.id, role, customerId, technicianId, by: request.principal?.keyId }, 'API key issued')
    return reply.code(201).send({ ...info, key })
  })

  app.get('/api/keys', {
    config: { roles: OPERATORS },
    schema: { tags: TAGS, summary: 'Every key, without secrets', response: { 200: z.object({ items: z.array(keyInfo) }) } },
  }, async () => ({ items: keys.list() }))

  app.delete('/api/keys/:id', {
    config: { roles: OPERATORS },
    schema: { tags: TAGS, summary: 'Revoke a key, at once and for good', params: idParams, response: { 200: keyInfo } },
  }, async (request) => {
    const revoked = keys.revoke(request.params.id)
    if (revoked === undefined) {
      throw new ApiError('FW_ERR_AUTH_KEY_NOT_FOUND', 404, `no API key ${request.params.id}`, {
        details: { id: request.params.id },
      })
    }
    request.log.info({ keyId: revoked.id, by: request.principal?.keyId }, 'API key revoked')
    return revoked
  })
}

function checkScope(fleet: Fleet, role: Role, customerId?: string, technicianId?: string): void {
  const problem = scopeProblem(fleet, role, customerId, technicianId)
  if (problem === null) return
  const field = `body.${problem.field}`
  throw new ApiError('FW_ERR_AUTH_KEY_SCOPE', 400, `${field}: ${problem.message}`, { details: { field } })
}

function definedScope(customerId?: string, technicianId?: string): { customerId?: string, technicianId?: string } {
  return {
    ...(customerId === undefined ? {} : { customerId }),
    ...(technicianId === undefined ? {} : { technicianId }),
  }
}
