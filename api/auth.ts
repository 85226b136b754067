import type { FastifyRequest } from 'fastify'
import { ApiError } from './errors.js'
import type { ApiKeyStore } from './keys/key-store.js'
import { hashSecret, parseApiKey, secretMatches } from './keys/api-key.js'
import type { Principal, Role } from './principal.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles that may call the route. A route without roles is open to admin keys only. */
    roles?: readonly Role[]
    /** Health, readiness, metrics and the API description need no key. */
    public?: boolean
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

export interface Authenticator {
  /** The principal behind the request's key; undefined when it has none or a bad one. */
  identify(request: FastifyRequest): Principal | undefined
  /** Throws 401 or 403 unless the request may call its route. */
  authorize(request: FastifyRequest): void
}

/** The configured admin key (api.adminKey) answers as this principal. */
const CONFIGURED_ADMIN: Omit<Principal, 'keyId'> = { name: 'configured admin key', role: 'admin' }

/**
 * Keys come as `Authorization: Bearer <key>`, as `X-API-Key: <key>`, or as the password of HTTP
 * Basic authentication: calendar applications can send Basic credentials with a subscribed
 * .ics feed but no other header, and a key never goes into a URL (URLs end up in logs).
 */
export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key']
  if (typeof header === 'string' && header !== '') return header.trim()
  const authorization = request.headers.authorization
  if (authorization === undefined) return undefined
  const [scheme, value] = authorization.trim().split(/\s+/, 2)
  if (value === undefined) return undefined
  if (scheme?.toLowerCase() === 'bearer') return value
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon === -1 ? decoded : decoded.slice(colon + 1)
  }
  return undefined
}

export function createAuthenticator(store: ApiKeyStore, adminKey: string): Authenticator {
  const parsedAdmin = adminKey === '' ? undefined : parseApiKey(adminKey)
  const configuredAdmin = parsedAdmin === undefined
    ? undefined
    : { id: parsedAdmin.id, hash: hashSecret(parsedAdmin.secret) }

  const identify = (request: FastifyRequest): Principal | undefined => {
    const key = presentedKey(request)
    if (key === undefined) return undefined
    const parsed = parseApiKey(key)
    if (configuredAdmin !== undefined && parsed !== undefined && parsed.id === configuredAdmin.id) {
      return secretMatches(parsed.secret, configuredAdmin.hash)
        ? { keyId: configuredAdmin.id, ...CONFIGURED_ADMIN }
        : undefined
    }
    return store.authenticate(key)
  }

  const authorize = (request: FastifyRequest): void => {
    const config = request.routeOptions.config
    // A path with no route is a 404 for everyone: which key asked does not change that.
    if (config.public === true || request.is404) return
    const principal = request.principal
    if (principal === undefined) {
      if (presentedKey(request) === undefined) {
        if (request.headers.authorization !== undefined) {
          throw new ApiError('FW_ERR_AUTH_KEY_INVALID', 401,
            'the Authorization header must be "Bearer <key>" (or Basic with the key as password)')
        }
        throw new ApiError('FW_ERR_AUTH_KEY_MISSING', 401, 'an API key is required (Authorization: Bearer <key>)')
      }
      throw new ApiError('FW_ERR_AUTH_KEY_INVALID', 401, 'the API key is unknown, malformed or revoked')
    }
    const roles = config.roles ?? ['admin']
    if (!roles.includes(principal.role)) {
      throw new ApiError('FW_ERR_AUTH_FORBIDDEN', 403, `a ${principal.role} key may not use this route`, {
        details: { role: principal.role, allowed: roles },
      })
    }
  }

  return { identify, authorize }
}
