import type { FastifyPluginAsync } from 'fastify'
import type { DeadLetter } from './dead-letters.js'

export interface DeadLetterView {
  /** The kept dead letters, oldest first. */
  list(): DeadLetter[]
  /** Every dead letter since start, including those no longer kept. */
  readonly total: number
}

/**
 * GET /api/ingest/dead-letters: the readings the store refused for good, newest first, with
 * InfluxDB's reason. Answers `{ items, held, total }`: the newest 1,000 are held in memory;
 * `total` counts every one since start (the older ones are in the log).
 */
export function ingestRoutes(view: DeadLetterView): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/ingest/dead-letters', async () => {
      const items = view.list().reverse()
      return { items, held: items.length, total: view.total }
    })
  }
}
