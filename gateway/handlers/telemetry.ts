import { z } from 'zod'
import type { RefusalReason } from '../errors.js'
import { decodeJson, describeIssues, isPlainObject, parseTimestamp, type Refusal } from '../payload.js'

/** One accepted metric value, before the device's asset tags are attached. */
export interface Sample {
  metric: string
  time: number
  value: number
}

export interface DecodedTelemetry {
  samples: Sample[]
  refusals: Refusal[]
}

/** Metric names become InfluxDB field keys and Prometheus-style labels downstream. */
export const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

/*
 * The envelope form is strict: a key beside `ts` and `metrics` is most likely a metric put
 * in the wrong place, and silently dropping it would lose data without anyone noticing.
 */
const envelopeSchema = z.strictObject({
  ts: z.unknown().optional(),
  metrics: z.record(z.string(), z.unknown()),
})

/**
 * Decodes a telemetry payload: `{ ts?, metrics: { name: number } }`, the flat
 * `{ ts?, name: number }`, or an array (batch) of either. A bad metric is refused on its own;
 * the other metrics of the message are kept.
 */
export function decodeTelemetry(payload: Buffer, arrivedAt: number): DecodedTelemetry {
  const out: DecodedTelemetry = { samples: [], refusals: [] }
  const json = decodeJson(payload)
  if (!json.ok) {
    out.refusals.push(json.refusal)
    return out
  }

  if (!Array.isArray(json.value)) {
    decodeEntry(json.value, { arrivedAt, where: '' }, out)
    return out
  }
  if (json.value.length === 0) refuse(out, 'payload_invalid', 'batch is an empty array')
  json.value.forEach((entry: unknown, index) => decodeEntry(entry, { arrivedAt, where: `[${index}] ` }, out))
  return out
}

interface EntryContext {
  arrivedAt: number
  /** Prefix naming the batch entry in refusal details. */
  where: string
}

function decodeEntry(entry: unknown, context: EntryContext, out: DecodedTelemetry): void {
  const { where } = context
  if (!isPlainObject(entry)) {
    refuse(out, 'payload_invalid', `${where}expected a JSON object, got ${describeValue(entry)}`)
    return
  }

  const time = parseTimestamp(entry.ts, context.arrivedAt)
  if (time === null) {
    const got = describeValue(entry.ts)
    refuse(out, 'timestamp_invalid', `${where}ts: expected epoch ms or ISO 8601 with zone, got ${got}`)
    return
  }

  const found = metricsOf(entry)
  if (!found.ok) {
    refuse(out, found.refusal.reason, `${where}${found.refusal.detail}`)
    return
  }
  const { metrics } = found
  const names = Object.keys(metrics)
  if (names.length === 0) refuse(out, 'payload_invalid', `${where}no metrics`)
  for (const name of names) decodeMetric(name, metrics[name], { time, where }, out)
}

type FoundMetrics = { ok: true, metrics: Record<string, unknown> } | { ok: false, refusal: Refusal }

function metricsOf(entry: Record<string, unknown>): FoundMetrics {
  if (!Object.hasOwn(entry, 'metrics')) {
    return { ok: true, metrics: Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'ts')) }
  }
  const parsed = envelopeSchema.safeParse(entry)
  if (!parsed.success) return { ok: false, refusal: { reason: 'payload_invalid', detail: describeIssues(parsed.error) } }
  // The original object, not zod's copy: zod rebuilds records by assignment, which would
  // swallow a "__proto__" key instead of letting it be refused as a bad metric name.
  return { ok: true, metrics: isPlainObject(entry.metrics) ? entry.metrics : {} }
}

function decodeMetric(
  name: string,
  value: unknown,
  at: { time: number, where: string },
  out: DecodedTelemetry,
): void {
  const { where } = at
  if (!METRIC_NAME.test(name)) {
    refuse(out, 'metric_name_invalid', `${where}metric name ${JSON.stringify(name.slice(0, 80))} must match ${METRIC_NAME}`)
    return
  }
  if (typeof value !== 'number') {
    refuse(out, 'value_not_number', `${where}${name}: expected a number, got ${describeValue(value)}`)
    return
  }
  // JSON cannot spell NaN or Infinity, but an out-of-range literal such as 1e999 parses to Infinity.
  if (!Number.isFinite(value)) {
    refuse(out, 'value_not_finite', `${where}${name}: ${value} is not a finite number`)
    return
  }
  out.samples.push({ metric: name, time: at.time, value })
}

function refuse(out: DecodedTelemetry, reason: RefusalReason, detail: string): void {
  out.refusals.push({ reason, detail })
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`
  return String(value)
}
