import Fastify, {
  type FastifyError, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest,
} from 'fastify'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { isForewarnError, type Config, type Logger, type Registry } from '../core/index.js'

export interface HttpServerDeps {
  config: Config
  logger: Logger
  registry: Registry
  /** Each capability's readiness; the service is ready when all are true. */
  readiness: () => Promise<Record<string, boolean>>
  /** Route plugins contributed by the capabilities. */
  plugins: FastifyPluginAsync[]
}

export interface HttpServer {
  start(): Promise<void>
  stop(): Promise<void>
  readonly url: string
  readonly app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>
}

/** The HTTP API: health, readiness, Prometheus metrics and every capability's routes under /api. */
export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const app = Fastify({ loggerInstance: deps.logger })
  let url = ''

  app.setErrorHandler(handleError)
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      code: 'FW_ERR_HTTP_NOT_FOUND', message: `no route for ${request.method} ${request.url}`,
    })
  })

  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const checks = await deps.readiness()
    const ready = Object.values(checks).every(Boolean)
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })
  app.get('/metrics', async (_request, reply) => {
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics())
  })
  for (const plugin of deps.plugins) void app.register(plugin)

  return {
    app,
    get url() { return url },
    async start() {
      const address = await app.listen({ host: deps.config.http.host, port: deps.config.http.port })
      url = address
    },
    async stop() {
      await app.close()
    },
  }
}

/**
 * Coded errors keep their code and status; anything else is a 500 with a generic body, and
 * the full error goes to the log only (never a stack trace to the caller).
 */
function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (isForewarnError(err)) {
    const status = err.statusCode ?? 500
    if (status >= 500) request.log.error({ err }, 'request failed')
    else request.log.info({ code: err.code }, 'request refused')
    void reply.code(status).send({ code: err.code, message: err.message, details: err.details })
    return
  }
  if (err.validation !== undefined || (err.statusCode !== undefined && err.statusCode < 500)) {
    const status = err.statusCode ?? 400
    request.log.info({ code: err.code }, 'request refused')
    void reply.code(status).send({ code: 'FW_ERR_HTTP_BAD_REQUEST', message: err.message })
    return
  }
  request.log.error({ err }, 'request failed')
  void reply.code(500).send({ code: 'FW_ERR_HTTP_INTERNAL', message: 'internal error' })
}
