import fastifyCompress from '@fastify/compress'
import fastifyRateLimit from '@fastify/rate-limit'
import Fastify, { type FastifyRequest } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Config, Logger, Registry } from '../core/index.js'
import type { ApiApp, RouteGroup } from './app-types.js'
import type { Authenticator } from './auth.js'
import { ApiError } from './errors.js'
import { DOCS_PREFIX, registerOpenApi } from './openapi.js'
import { handleError, problem, sendProblem } from './problem.js'
import { operationRoutes } from './routes/operations.js'

const NO_QUERY = z.object({}).strict()

export interface ApiServerDeps {
  config: Config
  logger: Logger
  registry: Registry
  authenticator: Authenticator
  /** Each capability's readiness; the service is ready when all are true. */
  readiness: () => Promise<Record<string, boolean>>
  routes: RouteGroup[]
  version: string
}

export interface ApiServer {
  /** Resolves when every plugin and route is registered (start() waits for it too). */
  ready(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
  readonly url: string
  readonly app: ApiApp
  /** Every route as registered (method and URL template), the API description's own pages excluded. */
  readonly routes: ReadonlyArray<{ method: string, url: string }>
}

/**
 * The HTTP API: health, readiness and metrics without a key; everything under /api behind an
 * API key, per-key rate limits, body and query limits (bodies counted after decompression),
 * problem+json errors, and the OpenAPI description at /docs.
 */
export function createApiServer(deps: ApiServerDeps): ApiServer {
  const { config } = deps
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.api.bodyLimitBytes,
  }).withTypeProvider<ZodTypeProvider>()
  let url = ''
  const routes: Array<{ method: string, url: string }> = []
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PREFIX)) return
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url })
  })
  const ready = setUp(app, deps)

  return {
    app,
    routes,
    get url() { return url },
    async ready() {
      await ready
      await app.ready()
    },
    async start() {
      await ready
      const { host, port } = config.http
      try {
        url = await app.listen({ host, port })
      } catch (err: unknown) {
        throw new ApiError('FW_ERR_HTTP_LISTEN_FAILED', 500,
          `the HTTP API could not listen on ${host}:${port} (http.host, http.port)`, { cause: err, details: { host, port } })
      }
    },
    async stop() {
      await app.close()
    },
  }
}

async function setUp(app: ApiApp, deps: ApiServerDeps): Promise<void> {
  const { config, authenticator } = deps
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(handleError)
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problem(request, 404, 'FW_ERR_HTTP_NOT_FOUND', `no route for ${request.method} ${request.url}`))
  })
  // The API description and its page are public, like the health endpoints.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PREFIX)) route.config = { ...route.config, public: true }
    // A query parameter a route does not know is refused like an unknown body field, so a
    // mistyped filter (`?stauts=open`) never passes silently as "no filter".
    if (route.url.startsWith('/api/') && route.schema?.querystring === undefined) {
      route.schema = { ...route.schema, querystring: NO_QUERY }
    }
  })

  app.addHook('onRequest', async (request) => {
    const query = queryString(request)
    if (Buffer.byteLength(query) > config.api.maxQueryBytes) {
      throw new ApiError('FW_ERR_HTTP_QUERY_TOO_LONG', 414, `query string longer than ${config.api.maxQueryBytes} bytes`)
    }
    const principal = authenticator.identify(request)
    if (principal !== undefined) request.principal = principal
  })
  await app.register(fastifyRateLimit, {
    global: false,
    max: config.api.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.principal?.keyId ?? `ip:${request.ip}`,
    allowList: (request) => request.routeOptions.config.public === true,
    errorResponseBuilder: (_request, context) => new ApiError(
      'FW_ERR_HTTP_RATE_LIMITED', 429, `more than ${context.max} requests a minute; retry in ${context.after}`,
    ),
  })
  // Runs after identify() above, so a key's requests are counted against the key, wherever they come from.
  app.addHook('onRequest', app.rateLimit())
  app.addHook('onRequest', async (request) => authenticator.authorize(request))
  // Bodies may arrive compressed; fastify's bodyLimit counts the decompressed bytes.
  await app.register(fastifyCompress, { global: true, requestEncodings: ['gzip', 'deflate', 'br'] })

  await registerOpenApi(app, deps.version)
  operationRoutes(app, { registry: deps.registry, readiness: deps.readiness })
  for (const group of deps.routes) group(app)
}

function queryString(request: FastifyRequest): string {
  const at = request.url.indexOf('?')
  return at === -1 ? '' : request.url.slice(at + 1)
}
