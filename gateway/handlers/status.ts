import { z } from 'zod'
import { decodeJson, describeIssues, type Refusal } from '../payload.js'
import { parseDeviceTime, type TimeWindow } from '../timestamp.js'
import { DEFAULT_TELEMETRY_RULES } from './telemetry.js'

export type DeviceStatus = 'online' | 'offline'

export type DecodedStatus
  = | { ok: true, status: DeviceStatus, time: number }
  /** A zero-byte payload only clears the retained status [MQTT-3.3.1-10]; it says nothing. */
    | { ok: true, status: null }
    | { ok: false, refusal: Refusal }

const statusSchema = z.object({
  status: z.enum(['online', 'offline']),
  ts: z.unknown().optional(),
})

/**
 * Decodes a status payload: `{ "status": "online" | "offline", "ts"? }` or the plain word,
 * with `ts` read by the same rules as telemetry.
 */
export function decodeStatus(
  payload: Buffer,
  arrivedAt: number,
  window: TimeWindow = DEFAULT_TELEMETRY_RULES.window,
): DecodedStatus {
  if (payload.length === 0) return { ok: true, status: null }
  const text = payload.toString('utf8').trim()
  if (text === 'online' || text === 'offline') return { ok: true, status: text, time: arrivedAt }

  const json = decodeJson(payload)
  if (!json.ok) {
    const detail = `expected "online", "offline" or {"status": "online" | "offline", "ts"?}; ${json.refusal.detail}`
    return { ok: false, refusal: { ...json.refusal, detail } }
  }
  const value = typeof json.value === 'string' ? { status: json.value } : json.value
  const parsed = statusSchema.safeParse(value)
  if (!parsed.success) {
    return { ok: false, refusal: { reason: 'payload_invalid', detail: describeIssues(parsed.error) } }
  }

  const time = parseDeviceTime(parsed.data.ts, arrivedAt, window)
  if (!time.ok) return time
  return { ok: true, status: parsed.data.status, time: time.time }
}
