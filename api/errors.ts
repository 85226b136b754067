import { ForewarnError, type ForewarnErrorOptions } from '../core/index.js'

/**
 * Codes the HTTP API answers with. Capabilities' own errors (work order not found, illegal
 * transition, ...) keep their codes; these are the API layer's.
 */
export const API_ERROR_CODES = [
  /** No route for that method and path (404). */
  'FW_ERR_HTTP_NOT_FOUND',
  /** The request failed fastify's own checks: malformed JSON, unsupported media type (4xx). */
  'FW_ERR_HTTP_BAD_REQUEST',
  /** A field of the path, query or body is invalid; `errors` names each field (400). */
  'FW_ERR_HTTP_VALIDATION',
  /** The body, after decompression, is larger than http.bodyLimitBytes (413). */
  'FW_ERR_HTTP_BODY_TOO_LARGE',
  /** The query string is longer than http.maxQueryBytes (414). */
  'FW_ERR_HTTP_QUERY_TOO_LONG',
  /** Content-Encoding other than gzip, deflate, br or identity (415). */
  'FW_ERR_HTTP_ENCODING_UNSUPPORTED',
  /** This key made more than http.rateLimitPerMinute requests in the last minute (429). */
  'FW_ERR_HTTP_RATE_LIMITED',
  /** An unexpected failure; the details are in the log only (500). */
  'FW_ERR_HTTP_INTERNAL',
  /** start() could not listen on http.host and http.port (port in use, address not here). */
  'FW_ERR_HTTP_LISTEN_FAILED',
  /** No API key in the request (401). */
  'FW_ERR_AUTH_KEY_MISSING',
  /** The API key is unknown, malformed or revoked (401). */
  'FW_ERR_AUTH_KEY_INVALID',
  /** The key's role may not use this route (403). */
  'FW_ERR_AUTH_FORBIDDEN',
  /** No API key with that id (404). */
  'FW_ERR_AUTH_KEY_NOT_FOUND',
  /** A key was asked for with an inconsistent scope: a customer key without a known customer, ... (400). */
  'FW_ERR_AUTH_KEY_SCOPE',
  /** No asset, customer, technician or device with that id visible to this key (404). */
  'FW_ERR_API_NOT_FOUND',
  /** POST /api/devices with the id of a device the fleet already has (409). */
  'FW_ERR_API_DEVICE_EXISTS',
  /** A fleet change would leave it inconsistent (unknown asset, duplicate id, ...); `errors` names each field (400). */
  'FW_ERR_API_FLEET_INVALID',
  /** A fleet import would remove assets that have open work orders; nothing changed (409). */
  'FW_ERR_API_FLEET_IN_USE',
  /** The changed fleet could not be written to <data.dir>/fleet.json; nothing changed (500). */
  'FW_ERR_API_FLEET_NOT_SAVED',
] as const
export type ApiErrorCode = typeof API_ERROR_CODES[number]

export class ApiError extends ForewarnError {
  constructor(code: ApiErrorCode, statusCode: number, message: string, options: ForewarnErrorOptions = {}) {
    super(code, message, { ...options, statusCode })
    this.name = 'ApiError'
  }
}

/**
 * Something another customer owns answers exactly like something that does not exist, so a
 * guessed id tells a customer key nothing.
 */
export function notFound(kind: string, id: string): ApiError {
  return new ApiError('FW_ERR_API_NOT_FOUND', 404, `no ${kind} ${id}`, { details: { kind, id } })
}
