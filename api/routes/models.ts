import { z } from 'zod'
import type { Models } from '../../models/index.js'
import type { ApiApp } from '../app-types.js'
import { STAFF } from '../principal.js'

const TAGS = ['models']

/** How each detector has fared against what visits found: the evidence for tuning it. */
export function modelRoutes(app: ApiApp, models: Pick<Models, 'detectorOutcomes' | 'labels' | 'stats'>): void {
  app.get('/api/models/detectors', {
    config: { roles: STAFF },
    schema: {
      tags: TAGS,
      summary: 'Per detector: confirmed faults, visits that found nothing, precision and median lead time',
      response: {
        200: z.object({
          detectors: z.array(z.object({
            detector: z.string(), confirmed: z.number(), noFaultFound: z.number(),
            precision: z.number().nullable(), medianLeadHours: z.number().nullable(),
          })),
          labels: z.array(z.record(z.string(), z.unknown())).describe('confirmed faults, newest last (at most 1000)'),
          stats: z.record(z.string(), z.number()),
        }),
      },
    },
  }, async () => ({
    detectors: models.detectorOutcomes(),
    labels: models.labels() as unknown as Array<Record<string, unknown>>,
    stats: { ...models.stats() },
  }))
}
