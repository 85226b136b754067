import type { FastifyRequest } from 'fastify'
import { createLogger, loadConfig } from '../../core/index.js'
import type { Dispatch } from '../../dispatch/index.js'
import type { ApiApp, RouteGroup } from '../../api/index.js'
import type { Authenticator } from '../../api/auth.js'
import type { Principal } from '../../api/principal.js'
import { createApiServer, type ApiServer } from '../../api/server.js'
import { technicianWorkRoutes, workOrderRoutes } from '../../api/routes/work-orders.js'
import { createMetricsRegistry } from '../../core/index.js'

/**
 * A fake authenticator for unit tests of capabilities over HTTP: every request speaks as the
 * given principal. The real one (api keys in SQLite) is tested in test/api/.
 */
export function actingAs(principal: Principal): Authenticator {
  return {
    identify: () => principal,
    authorize: (request: FastifyRequest) => {
      const roles = request.routeOptions.config.roles ?? ['admin']
      if (request.routeOptions.config.public !== true && !roles.includes(principal.role)) {
        throw Object.assign(new Error('forbidden'), { statusCode: 403 })
      }
    },
  }
}

export const TEST_ADMIN: Principal = { keyId: 'test00000000', name: 'test admin', role: 'admin' }

/** The real API server with the given route groups, listening on a free loopback port once started. */
export function apiServerWith(routes: RouteGroup[], principal: Principal = TEST_ADMIN): ApiServer {
  return createApiServer({
    config: loadConfig({ env: {}, overrides: { http: { port: 0 } } }),
    logger: createLogger({ level: 'silent' }),
    registry: createMetricsRegistry(),
    authenticator: actingAs(principal),
    readiness: async () => ({}),
    routes,
    version: 'test',
  })
}

/** Dispatch's work-order and technician routes on the real API server, ready for inject(). */
export async function dispatchApp(dispatch: Dispatch, principal: Principal = TEST_ADMIN): Promise<ApiApp> {
  const server = apiServerWith([
    (app) => workOrderRoutes(app, dispatch),
    (app) => technicianWorkRoutes(app, dispatch, () => true),
  ], principal)
  await server.ready()
  return server.app
}
