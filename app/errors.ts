/** Codes the HTTP layer itself answers with (capabilities' routes carry their own codes). */
export const HTTP_ERROR_CODES = [
  /** No route for that method and path (404). */
  'FW_ERR_HTTP_NOT_FOUND',
  /** The request failed fastify's own checks: bad JSON body, unsupported media type (4xx). */
  'FW_ERR_HTTP_BAD_REQUEST',
  /** An unexpected failure; the details are in the log only (500). */
  'FW_ERR_HTTP_INTERNAL',
] as const
