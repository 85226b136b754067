/**
 * Plain-words sentences for Signal evidence. A planner or a customer reads these, so they use
 * the metric's unit, three significant digits, UTC times to the minute and rounded durations.
 */
import type { StreamContext } from './stream-context.js'

const HOUR_MS = 3_600_000
const MIN_QUOTED_SPAN_MS = 12 * HOUR_MS
/** Words in metric ids that read better spelled out or capitalised. */
const WORDS: Readonly<Record<string, string>> = {
  rms: 'RMS', temp: 'temperature', avg: 'average', rpm: 'RPM',
}

/** 'vibration_rms' → 'Vibration RMS', 'dischargeTemp' → 'Discharge temperature'. */
export function metricLabel(metric: string): string {
  const words = metric
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((word) => word !== '')
    .map((word) => WORDS[word.toLowerCase()] ?? word.toLowerCase())
  const text = words.join(' ')
  return text === '' ? 'Value' : text.charAt(0).toUpperCase() + text.slice(1)
}

/** A value with its unit: '7.9 mm/s', '110 °C', '1.00e+300'. */
export function formatValue(value: number, unit: string): string {
  const text = formatNumber(value)
  return unit === '' ? text : `${text} ${unit}`
}

/** '2026-12-07 14:00 UTC'; epoch ms outside the Date range are written as such. */
export function formatTime(ms: number): string {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return `${ms} ms since 1970`
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** '15 minutes', '5 hours', '3 days'. */
export function formatDuration(ms: number): string {
  const hours = Math.max(ms, 0) / HOUR_MS
  if (hours < 2) return plural(Math.max(1, Math.round(hours * 60)), 'minute')
  if (hours < 48) return plural(Math.round(hours), 'hour')
  return plural(Math.round(hours / 24), 'day')
}

/** The sentence for an anomaly: where the value went, against its usual level and spread. */
export function anomalySentence(
  ctx: StreamContext,
  reading: { value: number, score: number },
  usual: { location: number, spread: number, since: number },
): string {
  const isHigh = reading.value > usual.location
  const times = Math.round(Math.abs(reading.score))
  const value = (v: number): string => formatValue(v, ctx.unit)
  return `${metricLabel(ctx.metric)} ${isHigh ? 'rose' : 'dropped'} to ${value(reading.value)}, `
    + `well ${isHigh ? 'above' : 'below'} its usual level of ${value(usual.location)} `
    + `(usual variation ±${value(usual.spread)}), starting ${formatTime(usual.since)}. `
    + `That is ${times} times the usual variation.`
}

/** The sentence for a degradation trend heading for the failure limit. */
export function degradationSentence(ctx: StreamContext, trend: {
  from: { time: number, value: number }
  to: { time: number, value: number }
  limit: number
  earliest: number
  mostLikely: number
}): string {
  const { from, to } = trend
  const isTowardsLimit = Math.sign(trend.limit - to.value) === Math.sign(to.value - from.value)
  const forecast = `the failure limit of ${formatValue(trend.limit, ctx.unit)} `
    + `around ${formatTime(trend.mostLikely)} (possibly as early as ${formatTime(trend.earliest)}).`
  // "Rose from X to Y over 10 minutes" would describe noise, not the trend: only quote the
  // movement when the recorded history spans half a day and moved towards the limit.
  if (to.time - from.time < MIN_QUOTED_SPAN_MS || !isTowardsLimit) {
    return `${metricLabel(ctx.metric)} is at ${formatValue(to.value, ctx.unit)} and its trend is on course to reach `
      + forecast
  }
  const isRising = to.value >= from.value
  return `${metricLabel(ctx.metric)} ${isRising ? 'rose' : 'fell'} from ${formatNumber(from.value)} `
    + `to ${formatValue(to.value, ctx.unit)} over ${formatDuration(to.time - from.time)} `
    + `and is on course to reach ${forecast}`
}

/** The sentence for a stream already past its failure limit. */
export function limitSentence(
  ctx: StreamContext, value: number, limit: number, since: number,
): string {
  return `${metricLabel(ctx.metric)} has been at ${formatValue(value, ctx.unit)}, `
    + `beyond its failure limit of ${formatValue(limit, ctx.unit)}, since ${formatTime(since)}.`
}

/** The sentence for a physically impossible reading. */
export function sensorSentence(ctx: StreamContext, value: number, time: number): string {
  const label = metricLabel(ctx.metric)
  const lowered = label.charAt(0).toLowerCase() + label.slice(1)
  const reported = Number.isFinite(value)
    ? formatValue(value, ctx.unit)
    : 'a value that is not a number'
  return `The ${lowered} sensor reported ${reported}, ${rangeText(ctx)}, at ${formatTime(time)}. `
    + 'Such readings are ignored by the detectors; the sensor or its wiring needs checking.'
}

function rangeText(ctx: StreamContext): string {
  const { physicalMin: min, physicalMax: max, unit } = ctx
  if (min !== undefined && max !== undefined) {
    const range = `${formatValue(min, unit)} to ${formatValue(max, unit)}`
    return `outside the range it can physically measure (${range})`
  }
  if (min !== undefined) return `below what it can physically measure (${formatValue(min, unit)})`
  if (max !== undefined) return `above what it can physically measure (${formatValue(max, unit)})`
  return 'which no sensor can measure'
}

function formatNumber(value: number): string {
  const size = Math.abs(value)
  if (!Number.isFinite(value)) return String(value)
  if (size !== 0 && (size >= 1e6 || size < 1e-3)) return value.toPrecision(3)
  if (size >= 100) return String(Math.round(value))
  return String(Number(value.toPrecision(3)))
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}
