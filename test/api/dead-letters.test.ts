import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deadLetterRoutes } from '../../api/routes/dead-letters.js'
import type { ApiServer } from '../../api/server.js'
import { DeadLetterRing, type DeadLetter } from '../../gateway/dead-letters.js'
import type { DeadLetter as StoreDeadLetter } from '../../ingest/dead-letters.js'
import { apiServerWith } from '../helpers/api-app.js'

function letter(at: number, deviceId: string): DeadLetter {
  return { at, deviceId, topic: 't', reason: 'payload_malformed', code: 'FW_ERR_GW_PAYLOAD_MALFORMED', detail: '', payload: '' }
}

const refused: StoreDeadLetter[] = [
  { line: 'telemetry a=1 1', reading: undefined, kind: 'beyond_retention', reason: 'points beyond retention policy', status: 400, at: 1 },
  { line: 'telemetry a=2 2', reading: undefined, kind: 'field_type_conflict', reason: 'field type conflict', status: undefined, at: 2 },
]

describe('dead-letter routes', () => {
  let server: ApiServer
  beforeAll(async () => {
    const ring = new DeadLetterRing(10)
    for (let at = 1; at <= 4; at++) ring.push(letter(at, at % 2 === 0 ? 'even' : 'odd'))
    const gateway = { deadLetters: (q = {}) => ring.query(q), deadLetterCount: ring.size }
    const ingest = { deadLetters: () => [...refused], deadLetterTotal: 7 }
    server = apiServerWith([(app) => deadLetterRoutes(app, gateway, ingest)])
    await server.ready()
  })
  afterAll(async () => {
    await server.stop()
  })

  it('lists refused device messages newest first, with a limit and filters', async () => {
    const response = await server.app.inject({ url: '/api/dead-letters?limit=1&deviceId=odd' })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ items: [letter(3, 'odd')], limit: 1, held: 4 })
  })

  it.each(['limit=0', 'limit=5000', 'reason=bogus', 'color=red', 'deviceId=a%20b'])(
    'answers %s with 400 naming the field', async (query) => {
      const response = await server.app.inject({ url: `/api/dead-letters?${query}` })
      const field = `querystring.${query.split('=')[0] ?? ''}`

      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ code: 'FW_ERR_HTTP_VALIDATION', errors: [{ field }] })
    },
  )

  it('lists what the store refused, newest first, with the total since start', async () => {
    const response = await server.app.inject({ url: '/api/ingest/dead-letters' })

    expect(response.json()).toEqual({
      items: [
        { line: 'telemetry a=2 2', kind: 'field_type_conflict', reason: 'field type conflict', status: null, at: 2 },
        { line: 'telemetry a=1 1', kind: 'beyond_retention', reason: 'points beyond retention policy', status: 400, at: 1 },
      ],
      held: 2,
      total: 7,
    })
  })
})
