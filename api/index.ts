import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { savedFleetFile, type Config, type Fleet, type Logger, type Registry } from '../core/index.js'
import type { Dispatch } from '../dispatch/index.js'
import type { Gateway } from '../gateway/index.js'
import type { Ingest } from '../ingest/index.js'
import type { Models } from '../models/index.js'
import type { AssetBoardView } from '../app/asset-board.js'
import { createAuthenticator } from './auth.js'
import { ApiKeyStore } from './keys/key-store.js'
import { assetRoutes } from './routes/assets.js'
import { customerRoutes } from './routes/customers.js'
import { deadLetterRoutes } from './routes/dead-letters.js'
import { deviceRoutes } from './routes/devices.js'
import { fleetRoutes } from './routes/fleet.js'
import { keyRoutes } from './routes/keys.js'
import { modelRoutes } from './routes/models.js'
import { technicianRoutes } from './routes/technicians.js'
import { technicianWorkRoutes, workOrderRoutes } from './routes/work-orders.js'
import { createApiServer, type ApiServer } from './server.js'

export interface ApiDeps {
  config: Config
  logger: Logger
  registry: Registry
  fleet: Fleet
  dispatch: Dispatch
  gateway: Gateway
  ingest: Ingest
  models: Pick<Models, 'detectorOutcomes' | 'labels' | 'stats'>
  /** Latest values and device states per asset (app/asset-board.ts). */
  board: { view(assetId: string, deviceIds: readonly string[]): AssetBoardView }
  readiness: () => Promise<Record<string, boolean>>
  version: string
}

export interface Api extends ApiServer {
  readonly keys: ApiKeyStore
}

/** The file holding the admin key made on first start. */
export function adminKeyFile(config: Config): string {
  return join(config.data.dir, 'admin-api-key')
}

/** The HTTP API over the capabilities, with its key store under data.dir. */
export function createApi(deps: ApiDeps): Api {
  const { config, fleet, dispatch } = deps
  mkdirSync(config.data.dir, { recursive: true })
  const keys = new ApiKeyStore(join(config.data.dir, 'api-keys.sqlite'))
  ensureAdminKey(config, keys, deps.logger)
  const knowsTechnician = (id: string): boolean => fleet.technician(id) !== undefined
  const server = createApiServer({
    config,
    logger: deps.logger,
    registry: deps.registry,
    authenticator: createAuthenticator(keys, config.api.adminKey),
    readiness: deps.readiness,
    version: deps.version,
    routes: [
      (app) => workOrderRoutes(app, dispatch),
      (app) => technicianWorkRoutes(app, dispatch, knowsTechnician),
      (app) => technicianRoutes(app, fleet, dispatch),
      (app) => assetRoutes(app, { fleet, dispatch, ingest: deps.ingest, board: deps.board }),
      (app) => deadLetterRoutes(app, deps.gateway, deps.ingest),
      (app) => keyRoutes(app, keys, fleet),
      (app) => customerRoutes(app, { fleet, dispatch }),
      (app) => deviceRoutes(app, { fleet, file: savedFleetFile(config) }),
      (app) => fleetRoutes(app, { fleet, file: savedFleetFile(config), workOrders: dispatch }),
      (app) => modelRoutes(app, deps.models),
    ],
  })
  return {
    app: server.app,
    routes: server.routes,
    keys,
    get url() { return server.url },
    ready: () => server.ready(),
    start: () => server.start(),
    async stop() {
      await server.stop()
      keys.close()
    },
  }
}

/**
 * Without any admin key nobody could issue keys, so the first start makes one and writes it
 * to a file only its owner can read; the log says where, never what.
 */
function ensureAdminKey(config: Config, keys: ApiKeyStore, logger: Logger): void {
  if (config.api.adminKey !== '' || keys.hasActiveAdmin()) return
  const { key, info } = keys.create({ name: 'first admin key', role: 'admin' })
  const file = adminKeyFile(config)
  writeFileSync(file, `${key}\n`, { mode: 0o600 })
  logger.warn({ keyId: info.id, file }, 'no admin API key existed: made one and wrote it to the file')
}

export { ApiKeyStore } from './keys/key-store.js'
export type { ApiKeyInfo, NewApiKey } from './keys/key-store.js'
export { generateApiKey, parseApiKey } from './keys/api-key.js'
export { API_ERROR_CODES } from './errors.js'
export type { Principal, Role } from './principal.js'
export { ROLES } from './principal.js'
export type { ApiApp, RouteGroup } from './app-types.js'
