import { z } from 'zod'
import { DEAD_LETTER_CAPACITY, REFUSAL_CODES, type Gateway, type RefusalReason } from '../../gateway/index.js'
import type { Ingest } from '../../ingest/index.js'
import type { ApiApp } from '../app-types.js'
import { OPERATORS } from '../principal.js'
import { fleetId } from '../schemas.js'

const TAGS = ['operations']
const REASONS = Object.keys(REFUSAL_CODES) as [RefusalReason, ...RefusalReason[]]

const deviceDeadLetter = z.object({
  at: z.number(), deviceId: z.string(), topic: z.string(), reason: z.enum(REASONS), code: z.string(),
  detail: z.string(), payload: z.string().describe('the payload\'s first 512 characters'),
})

/** What the gateway refused (device messages) and what the store refused (readings), for operators. */
export function deadLetterRoutes(app: ApiApp, gateway: Pick<Gateway, 'deadLetters' | 'deadLetterCount'>,
  ingest: Pick<Ingest, 'deadLetters' | 'deadLetterTotal'>): void {
  app.get('/api/dead-letters', {
    config: { roles: OPERATORS },
    schema: {
      tags: TAGS, summary: 'Refused device messages, newest first',
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(DEAD_LETTER_CAPACITY).default(100),
        deviceId: fleetId.optional(),
        reason: z.enum(REASONS).optional(),
      }).strict(),
      response: { 200: z.object({ items: z.array(deviceDeadLetter), limit: z.number(), held: z.number() }) },
    },
  }, async (request) => {
    const { limit, deviceId, reason } = request.query
    const items = gateway.deadLetters({
      limit, ...(deviceId === undefined ? {} : { deviceId }), ...(reason === undefined ? {} : { reason }),
    })
    return { items, limit, held: gateway.deadLetterCount }
  })

  app.get('/api/ingest/dead-letters', {
    config: { roles: OPERATORS },
    schema: {
      tags: TAGS, summary: 'Readings the telemetry store refused for good, newest first, with its reason',
      response: {
        200: z.object({
          items: z.array(z.object({
            line: z.string(), kind: z.string(), reason: z.string(), status: z.number().nullable(), at: z.number(),
            reading: z.unknown(),
          })),
          held: z.number(),
          total: z.number(),
        }),
      },
    },
  }, async () => {
    const items = ingest.deadLetters().reverse().map((letter) => ({ ...letter, status: letter.status ?? null }))
    return { items, held: items.length, total: ingest.deadLetterTotal }
  })
}
