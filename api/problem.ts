import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { isForewarnError } from '../core/index.js'

/** One invalid field: where it is (`body.start`, `query.limit`, `params.id`) and what is wrong. */
export interface FieldError {
  field: string
  message: string
}

/**
 * An RFC 9457 problem document. `code` is the stable machine-readable part (docs/errors.md);
 * `type` is the same code as a URN so that generic problem+json clients can branch on it too.
 */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  code: string
  errors?: FieldError[]
  details?: Record<string, unknown>
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict',
  413: 'Payload too large', 414: 'URI too long', 415: 'Unsupported media type', 422: 'Unprocessable content',
  429: 'Too many requests', 500: 'Internal error', 503: 'Service unavailable',
}

const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

export function problem(request: FastifyRequest, status: number, code: string, detail: string): Problem {
  return {
    type: `urn:forewarn:error:${code}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server error' : 'Client error'),
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    code,
  }
}

export function sendProblem(reply: FastifyReply, body: Problem): void {
  void reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body)
}

/**
 * Every error leaves as problem+json. Coded errors keep their code and status; validation
 * errors name each field; anything unexpected is a 500 whose details go to the log only,
 * never a stack trace to the caller.
 */
export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body = toProblem(err, request)
  if (body.status >= 500) request.log.error({ err, code: body.code }, 'request failed')
  else request.log.info({ code: body.code, keyId: request.principal?.keyId }, 'request refused')
  sendProblem(reply, body)
}

function toProblem(err: FastifyError, request: FastifyRequest): Problem {
  if (isForewarnError(err)) {
    const status = err.statusCode ?? 500
    if (status >= 500 && err.code.startsWith('FW_ERR_HTTP_INTERNAL')) return internal(request)
    const body = problem(request, status, err.code, err.message)
    if (err.details !== undefined) body.details = err.details
    const field = err.details?.field
    if (typeof field === 'string') body.errors = [{ field, message: err.message }]
    return body
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors = err.validation.flatMap((issue): FieldError[] => {
      const field = fieldName(err.validationContext, issue.instancePath)
      // An unknown field is named itself, not its parent object.
      const unknown = issue.keyword === 'unrecognized_keys' ? issue.params.keys : undefined
      if (Array.isArray(unknown)) return unknown.map((key) => ({ field: `${field}.${String(key)}`, message: 'unknown field' }))
      return [{ field, message: issue.message ?? 'invalid' }]
    })
    const list = errors.map((e) => `${e.field}: ${e.message}`).join('; ')
    return { ...problem(request, 400, 'FW_ERR_HTTP_VALIDATION', `invalid request: ${list}`), errors }
  }
  if (isResponseSerializationError(err)) return internal(request)
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return problem(request, 413, 'FW_ERR_HTTP_BODY_TOO_LARGE', 'request body too large (counted after decompression)')
  }
  if (err.code === 'FST_CP_ERR_INVALID_CONTENT_ENCODING') {
    return problem(request, 415, 'FW_ERR_HTTP_ENCODING_UNSUPPORTED', err.message)
  }
  const status = err.statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    return problem(request, status, 'FW_ERR_HTTP_BAD_REQUEST', err.message)
  }
  return internal(request)
}

/** The request id is the one thing worth telling the caller: it finds the log line. */
function internal(request: FastifyRequest): Problem {
  return { ...problem(request, 500, 'FW_ERR_HTTP_INTERNAL', 'internal error'), details: { requestId: request.id } }
}

/** 'body' + '/visit/start' → 'body.visit.start'. */
function fieldName(context: string | undefined, instancePath: string): string {
  const path = instancePath.split('/').filter((part) => part !== '').join('.')
  const where = context ?? 'request'
  return path === '' ? where : `${where}.${path}`
}
