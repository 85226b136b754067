import type { FastifyInstance, RawServerDefault } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../core/index.js'

/** The fastify instance every route group registers on: zod schemas validate and describe it. */
export type ApiApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger, ZodTypeProvider>

/** A group of routes (work orders, assets, ...), registered by the API server. */
export type RouteGroup = (app: ApiApp) => void
