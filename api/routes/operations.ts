import { z } from 'zod'
import type { Registry } from '../../core/index.js'
import type { ApiApp } from '../app-types.js'

export interface OperationDeps {
  registry: Registry
  readiness: () => Promise<Record<string, boolean>>
}

const TAGS = ['operations']

/** Health for liveness probes, readiness for load balancers, metrics for Prometheus: no key needed. */
export function operationRoutes(app: ApiApp, deps: OperationDeps): void {
  app.get('/healthz', {
    config: { public: true },
    schema: {
      tags: TAGS, summary: 'Liveness: the process answers', security: [],
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    config: { public: true },
    schema: {
      tags: TAGS, summary: 'Readiness: every capability can do its work (200) or not (503)', security: [],
      response: {
        200: readinessBody, 503: readinessBody,
      },
    },
  }, async (_request, reply) => {
    const checks = await deps.readiness()
    const ready = Object.values(checks).every(Boolean)
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })

  app.get('/metrics', {
    config: { public: true },
    schema: { tags: TAGS, summary: 'Prometheus metrics (text exposition format)', security: [] },
  }, async (_request, reply) => {
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics())
  })
}

const readinessBody = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.boolean()),
})
