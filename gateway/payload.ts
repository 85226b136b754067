import type { z } from 'zod'
import type { RefusalReason } from './errors.js'

/** One refused message or metric, before it is recorded as a dead letter. */
export interface Refusal {
  reason: RefusalReason
  detail: string
}

export type DecodedJson = { ok: true, value: unknown } | { ok: false, refusal: Refusal }

/*
 * JSON cannot spell NaN or Infinity, but Python's json.dumps (allow_nan=True by default) and
 * several C libraries print them bare. Refusing the whole message for it would lose the good
 * metrics beside the bad one, so those tokens are read as these markers and refused per
 * metric (`value_not_finite`). A device sending the marker text itself gains nothing: it is
 * refused the same way.
 */
export const NON_FINITE_MARKERS: ReadonlyMap<string, string> = new Map([
  ['\u0000NaN', 'NaN'], ['\u0000Infinity', 'Infinity'], ['\u0000-Infinity', '-Infinity'],
])
const NON_FINITE_TOKEN = /-?Infinity|NaN/y

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses a JSON payload. Bytes that are not UTF-8 (RFC 8259 8.1) and text that is not JSON
 * become a `payload_malformed` refusal; decoding them leniently would turn a Latin-1 "°C"
 * into a different name without anyone noticing.
 */
export function decodeJson(payload: Buffer): DecodedJson {
  let text: string
  try {
    text = utf8.decode(payload)
  } catch {
    // TextDecoder's only failure in fatal mode is invalid UTF-8; its message adds nothing.
    return { ok: false, refusal: { reason: 'payload_malformed', detail: 'payload is not valid UTF-8' } }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err: unknown) {
    const lenient = parseWithNonFinite(text)
    if (lenient !== undefined) return { ok: true, value: lenient }
    const detail = err instanceof Error ? err.message : 'not JSON'
    return { ok: false, refusal: { reason: 'payload_malformed', detail } }
  }
}

/** JSON.parse after replacing bare NaN/Infinity tokens with markers; undefined if still not JSON. */
function parseWithNonFinite(text: string): unknown {
  if (!text.includes('NaN') && !text.includes('Infinity')) return undefined
  try {
    return JSON.parse(replaceNonFinite(text)) as unknown
  } catch {
    // Still not JSON: the caller reports the original parser error, which names the first fault.
    return undefined
  }
}

function replaceNonFinite(text: string): string {
  let out = ''
  let isInString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (isInString) {
      out += char
      if (char === '\\') out += text[++i] ?? ''
      else if (char === '"') isInString = false
      continue
    }
    NON_FINITE_TOKEN.lastIndex = i
    const token = NON_FINITE_TOKEN.exec(text)?.[0]
    if (token !== undefined) {
      out += JSON.stringify(`\u0000${token}`)
      i += token.length - 1
      continue
    }
    if (char === '"') isInString = true
    out += char
  }
  return out
}

/** A short description of a zod failure, naming the field at fault. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issueMessage(issue)}`)
    .join('; ')
}

/** zod's words, except for a missing field: "is required" says it better than a type mismatch with undefined. */
function issueMessage(issue: z.core.$ZodIssue): string {
  const isMissing = issue.code === 'invalid_type' && issue.path.length > 0 && issue.message.endsWith('received undefined')
  return isMissing ? 'is required' : issue.message
}

/** A value as a refusal detail names it, short whatever its size. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') {
    const marker = NON_FINITE_MARKERS.get(value)
    return marker ?? `the string ${JSON.stringify(value.slice(0, 40))}`
  }
  return String(value)
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
