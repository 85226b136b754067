import { z } from 'zod'
import { decodeJson, describeIssues, type Refusal } from '../payload.js'
import { parseDeviceTime, type TimeWindow } from '../timestamp.js'
import { DEFAULT_TELEMETRY_RULES } from './telemetry.js'

export interface DeviceFault {
  code: string
  detail?: string
  time: number
}

export type DecodedFault = { ok: true, fault: DeviceFault } | { ok: false, refusal: Refusal }

// Fault codes are vendor-defined; the bounds only keep one message from flooding storage and logs.
const faultSchema = z.object({
  ts: z.unknown().optional(),
  code: z.string().min(1).max(64),
  detail: z.string().max(1024).optional(),
})

/**
 * Decodes a device-reported fault: `{ "ts"?, "code": "<fault code>", "detail"? }`, with `ts`
 * read by the same rules as telemetry.
 */
export function decodeFault(
  payload: Buffer,
  arrivedAt: number,
  window: TimeWindow = DEFAULT_TELEMETRY_RULES.window,
): DecodedFault {
  const json = decodeJson(payload)
  if (!json.ok) return json
  const parsed = faultSchema.safeParse(json.value)
  if (!parsed.success) {
    return { ok: false, refusal: { reason: 'payload_invalid', detail: describeIssues(parsed.error) } }
  }

  const time = parseDeviceTime(parsed.data.ts, arrivedAt, window)
  if (!time.ok) return time
  const { code, detail } = parsed.data
  return { ok: true, fault: detail === undefined ? { code, time: time.time } : { code, detail, time: time.time } }
}
