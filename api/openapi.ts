import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { ApiApp } from './app-types.js'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

/** Where the browsable page lives; its JSON is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/docs'

/**
 * The OpenAPI document is generated from the zod schemas the routes validate with, so the
 * description cannot drift from what the server accepts.
 */
export async function registerOpenApi(app: ApiApp, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Forewarn API',
        description: 'Predictive maintenance: work orders, assets, telemetry, customers\' notices and operations. '
          + 'Every /api route needs an API key (Authorization: Bearer fwk_…); errors are application/problem+json.',
        version,
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, fwk_<id>_<secret>' },
        },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  })
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { docExpansion: 'list' } })
}
