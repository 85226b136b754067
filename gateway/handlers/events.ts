import { z } from 'zod'
import { decodeJson, describeIssues, parseTimestamp, type Refusal } from '../payload.js'

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

/** Decodes a device-reported fault: `{ "ts"?, "code": "<fault code>", "detail"? }`. */
export function decodeFault(payload: Buffer, arrivedAt: number): DecodedFault {
  const json = decodeJson(payload)
  if (!json.ok) return json
  const parsed = faultSchema.safeParse(json.value)
  if (!parsed.success) {
    return { ok: false, refusal: { reason: 'payload_invalid', detail: describeIssues(parsed.error) } }
  }

  const time = parseTimestamp(parsed.data.ts, arrivedAt)
  if (time === null) {
    return { ok: false, refusal: { reason: 'timestamp_invalid', detail: 'ts: expected epoch ms or ISO 8601 with zone' } }
  }
  const { code, detail } = parsed.data
  return { ok: true, fault: detail === undefined ? { code, time } : { code, detail, time } }
}
