import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { DEAD_LETTER_CAPACITY, type DeadLetter, type DeadLetterQuery } from './dead-letters.js'
import { GatewayError, REFUSAL_CODES, type RefusalReason } from './errors.js'

const DEFAULT_PAGE_SIZE = 100
const REASONS = Object.keys(REFUSAL_CODES) as [RefusalReason, ...RefusalReason[]]

const querySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(DEAD_LETTER_CAPACITY).default(DEFAULT_PAGE_SIZE),
  deviceId: z.string().min(1).max(64).optional(),
  reason: z.enum(REASONS).optional(),
})

export interface DeadLetterSource {
  query(q: DeadLetterQuery): DeadLetter[]
  /** Dead letters held (at most DEAD_LETTER_CAPACITY). */
  readonly size: number
}

/**
 * GET /api/dead-letters: the newest refused messages first, for operators. Query: `limit`
 * (1..1000, default 100), `deviceId`, `reason`. Answers `{ items, limit, held }`.
 */
export function deadLetterRoutes(source: DeadLetterSource): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/dead-letters', async (request) => {
      const parsed = querySchema.safeParse(request.query ?? {})
      if (!parsed.success) throw queryInvalid(parsed.error)
      const { limit, deviceId, reason } = parsed.data
      const query: DeadLetterQuery = { limit }
      if (deviceId !== undefined) query.deviceId = deviceId
      if (reason !== undefined) query.reason = reason
      return { items: source.query(query), limit, held: source.size }
    })
  }
}

function queryInvalid(error: z.ZodError): GatewayError {
  const issue = error.issues[0]
  const field = issue === undefined || issue.path.length === 0 ? 'query' : issue.path.join('.')
  return new GatewayError('FW_ERR_GW_QUERY_INVALID', `dead-letter query: ${field}: ${issue?.message ?? 'invalid'}`, {
    statusCode: 400, details: { field },
  })
}
