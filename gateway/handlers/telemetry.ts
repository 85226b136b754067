import type { RefusalReason } from '../errors.js'
import { metricNameProblem } from '../metric-name.js'
import { decodeJson, isPlainObject, describeValue, type Refusal } from '../payload.js'
import { parseDeviceTime, type TimeWindow } from '../timestamp.js'
import { checkMetricValue } from './metric-value.js'

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

/** The configurable rules a telemetry payload must meet (config mqtt.*). */
export interface TelemetryRules {
  window: TimeWindow
  maxEntriesPerBatch: number
  maxMetricsPerEntry: number
}

/** The configuration defaults, for callers without a Config. */
export const DEFAULT_TELEMETRY_RULES: TelemetryRules = {
  window: { maxFutureMs: 31_622_400_000, maxPastMs: 0 },
  maxEntriesPerBatch: 1000,
  maxMetricsPerEntry: 256,
}

/** The keys of a reading set that hold its metrics: ours, and ThingsBoard's. */
const ENVELOPE_KEYS = ['metrics', 'values'] as const

/**
 * Decodes a telemetry payload: one reading set `{ ts?, metrics: {...} }` or
 * `{ ts?, values: {...} }` (ThingsBoard), the flat `{ ts?, name: value, ... }`, or an array
 * (batch) of them. Limits refuse the whole message before anything is decoded; a bad entry
 * or metric is refused on its own and the rest of the message is kept. Never throws.
 */
export function decodeTelemetry(
  payload: Buffer,
  arrivedAt: number,
  rules: TelemetryRules = DEFAULT_TELEMETRY_RULES,
): DecodedTelemetry {
  const out: DecodedTelemetry = { samples: [], refusals: [] }
  const json = decodeJson(payload)
  if (!json.ok) return refused(out, json.refusal)

  const { value } = json
  if (!Array.isArray(value) && !isPlainObject(value)) {
    return refused(out, { reason: 'payload_invalid', detail: `expected a JSON object or array, got ${describeValue(value)}` })
  }
  const entries: unknown[] = Array.isArray(value) ? value : [value]
  if (entries.length === 0) return refused(out, { reason: 'payload_invalid', detail: 'batch is an empty array' })
  const overLimit = limitRefusal(entries, rules)
  if (overLimit !== null) return refused(out, overLimit)

  const isBatch = Array.isArray(value)
  for (let index = 0; index < entries.length; index++) {
    decodeEntry(entries[index], { arrivedAt, rules, where: isBatch ? `[${index}] ` : '' }, out)
  }
  return out
}

function refused(out: DecodedTelemetry, refusal: Refusal): DecodedTelemetry {
  out.refusals.push(refusal)
  return out
}

/** Counted on the parsed JSON, before any Reading is built (the byte limit bounds the parse). */
function limitRefusal(entries: unknown[], rules: TelemetryRules): Refusal | null {
  if (entries.length > rules.maxEntriesPerBatch) {
    const detail = `${entries.length} entries exceed the limit of ${rules.maxEntriesPerBatch} (mqtt.maxEntriesPerBatch)`
    return { reason: 'batch_too_large', detail }
  }
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]
    if (!isPlainObject(entry)) continue
    const count = metricCount(entry)
    if (count <= rules.maxMetricsPerEntry) continue
    const where = entries.length > 1 ? `[${index}] ` : ''
    const detail = `${where}${count} metrics exceed the limit of ${rules.maxMetricsPerEntry} (mqtt.maxMetricsPerEntry)`
    return { reason: 'too_many_metrics', detail }
  }
  return null
}

interface EntryContext {
  arrivedAt: number
  rules: TelemetryRules
  /** Prefix naming the batch entry in refusal details. */
  where: string
}

function decodeEntry(entry: unknown, context: EntryContext, out: DecodedTelemetry): void {
  const { where } = context
  if (!isPlainObject(entry)) {
    refuse(out, 'payload_invalid', `${where}expected a JSON object, got ${describeValue(entry)}`)
    return
  }

  const time = parseDeviceTime(entry.ts, context.arrivedAt, context.rules.window)
  if (!time.ok) {
    refuse(out, time.refusal.reason, `${where}${time.refusal.detail}`)
    return
  }

  const found = metricsOf(entry)
  if (!found.ok) {
    refuse(out, 'payload_invalid', `${where}${found.detail}`)
    return
  }
  const names = Object.keys(found.metrics)
  if (names.length === 0) refuse(out, 'payload_invalid', `${where}no metrics`)
  const at = { time: time.time, where }
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    decodeMetric(name, found.metrics[name], at, out)
  }
}

type FoundMetrics = { ok: true, metrics: Record<string, unknown> } | { ok: false, detail: string }

/*
 * The envelope forms are strict: a key beside `ts` and `metrics` (or `values`) is most likely
 * a metric put in the wrong place, and dropping it would lose data without anyone noticing.
 * The original objects are used, never copies: rebuilding one by assignment would swallow a
 * "__proto__" key instead of storing it as the metric it was sent as.
 */
function metricsOf(entry: Record<string, unknown>): FoundMetrics {
  const hasMetrics = Object.hasOwn(entry, 'metrics')
  const hasValues = Object.hasOwn(entry, 'values')
  if (!hasMetrics && !hasValues) return { ok: true, metrics: withoutTs(entry) }
  if (hasMetrics && hasValues) return { ok: false, detail: 'has both "metrics" and "values"; send one of them' }

  const key = hasMetrics ? 'metrics' : 'values'
  const extra = keyBeside(entry, key)
  if (extra !== undefined) {
    return { ok: false, detail: `unexpected key ${JSON.stringify(extra.slice(0, 80))} beside "ts" and "${key}"` }
  }
  const metrics = entry[key]
  if (!isPlainObject(metrics)) {
    return { ok: false, detail: `${key}: expected an object of metric values, got ${describeValue(metrics)}` }
  }
  return { ok: true, metrics }
}

/** The first key of an envelope other than `ts` and its metrics key, if any. */
function keyBeside(entry: Record<string, unknown>, key: string): string | undefined {
  const keys = Object.keys(entry)
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i] as string
    if (name !== 'ts' && name !== key) return name
  }
  return undefined
}

/** How many metrics an entry carries, whichever its form. */
function metricCount(entry: Record<string, unknown>): number {
  for (const key of ENVELOPE_KEYS) {
    const metrics = entry[key]
    if (Object.hasOwn(entry, key) && isPlainObject(metrics)) return Object.keys(metrics).length
  }
  return Object.keys(entry).length - (Object.hasOwn(entry, 'ts') ? 1 : 0)
}

function withoutTs(entry: Record<string, unknown>): Record<string, unknown> {
  const metrics: Record<string, unknown> = {}
  for (const key of Object.keys(entry)) {
    if (key !== 'ts') Object.defineProperty(metrics, key, { value: entry[key], enumerable: true })
  }
  return metrics
}

function decodeMetric(
  name: string,
  value: unknown,
  at: { time: number, where: string },
  out: DecodedTelemetry,
): void {
  const { where } = at
  const problem = knownGoodNames.has(name) ? null : metricNameProblem(name)
  if (problem !== null) {
    refuse(out, 'metric_name_invalid', `${where}metric name ${JSON.stringify(name.slice(0, 80))} ${problem}`)
    return
  }
  rememberGoodName(name)
  // The common case first: a finite number needs no result object from checkMetricValue.
  if (typeof value === 'number' && Number.isFinite(value)) {
    out.samples.push({ metric: name, time: at.time, value })
    return
  }
  const checked = checkMetricValue(value)
  if (!checked.ok) {
    refuse(out, checked.refusal.reason, `${where}${name}: ${checked.refusal.detail}`)
    return
  }
  out.samples.push({ metric: name, time: at.time, value: checked.value })
}

/*
 * Metric names that passed metricNameProblem, so a fleet's few dozen names are checked once,
 * not on every message (its Unicode-class regular expressions are the costly part). Bounded:
 * a device inventing names only makes the set start over.
 */
const MAX_KNOWN_GOOD_NAMES = 10_000
const knownGoodNames = new Set<string>()

function rememberGoodName(name: string): void {
  if (knownGoodNames.has(name)) return
  if (knownGoodNames.size >= MAX_KNOWN_GOOD_NAMES) knownGoodNames.clear()
  knownGoodNames.add(name)
}

function refuse(out: DecodedTelemetry, reason: RefusalReason, detail: string): void {
  out.refusals.push({ reason, detail })
}
