import { z } from 'zod'
import type { RefusalReason } from './errors.js'

/** One refused message or metric, before it is recorded as a dead letter. */
export interface Refusal {
  reason: RefusalReason
  detail: string
}

// Date's own range (ECMA-262 21.4.1.1): a number outside it is no point in time.
const MAX_EPOCH_MS = 8.64e15

/**
 * A device timestamp: epoch milliseconds, or ISO 8601 with an explicit zone (a local time
 * without offset would be read in the server's zone, which is never what the device meant).
 */
export const timestampSchema = z.union([
  z.number().min(-MAX_EPOCH_MS).max(MAX_EPOCH_MS),
  z.iso.datetime({ offset: true }),
])

export type DecodedJson = { ok: true, value: unknown } | { ok: false, refusal: Refusal }

/** Parses a JSON payload; malformed text becomes a `payload_malformed` refusal. */
export function decodeJson(payload: Buffer): DecodedJson {
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) as unknown }
  } catch (err: unknown) {
    const detail = err instanceof Error ? err.message : 'not JSON'
    return { ok: false, refusal: { reason: 'payload_malformed', detail } }
  }
}

/**
 * Epoch ms of a device timestamp; `arrivedAt` when the device sent none; null when the
 * value is not a timestamp.
 */
export function parseTimestamp(ts: unknown, arrivedAt: number): number | null {
  if (ts === undefined) return arrivedAt
  const parsed = timestampSchema.safeParse(ts)
  if (!parsed.success) return null
  const time = typeof parsed.data === 'number' ? parsed.data : Date.parse(parsed.data)
  return Number.isNaN(time) ? null : time
}

/** A short description of a zod failure, naming the field at fault. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ')
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
