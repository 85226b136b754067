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

/** The sentence for a lasting shift from the usual level for the hour of the week (CUSUM). */
export function shiftSentence(ctx: StreamContext, shift: {
  since: number
  /** Mean standardised residual since the shift began; its sign is the direction. */
  shift: number
  usual: number
  spread: number
  latest: number
}): string {
  const isHigh = shift.shift >= 0
  const size = Math.abs(shift.shift)
  const times = size < 10 ? size.toFixed(1) : String(Math.round(size))
  return `${metricLabel(ctx.metric)} has been running ${isHigh ? 'above' : 'below'} its usual level for the time `
    + `of week since ${formatTime(shift.since)}, by ${times} times the usual variation of its hourly average: `
    + `a lasting shift rather than a single outlier. It is now ${formatValue(shift.latest, ctx.unit)}, where `
    + `${formatValue(shift.usual, ctx.unit)} (hourly average ±${formatValue(shift.spread, ctx.unit)}) is usual.`
}

/** The sentence for a sensor that repeats one value exactly. */
export function stuckSentence(
  ctx: StreamContext, stuck: { value: number, since: number, readings: number },
): string {
  return `The ${sensorName(ctx)} sensor has reported exactly ${formatValue(stuck.value, ctx.unit)} `
    + `${stuck.readings} times in a row since ${formatTime(stuck.since)}, which a working sensor does not: `
    + 'it looks stuck. Its readings are ignored by the detectors until it moves again; the sensor needs checking.'
}

/** The sentence for a sensor whose readings jump away and straight back. */
export function spikesSentence(
  ctx: StreamContext, spikes: { count: number, since: number, latest: number },
): string {
  return `The ${sensorName(ctx)} sensor has sent ${spikes.count} single readings since ${formatTime(spikes.since)} `
    + `that jumped far from their neighbours and straight back (the latest ${formatValue(spikes.latest, ctx.unit)}): `
    + 'a loose connection or interference, not the equipment. The sensor or its wiring needs checking.'
}

/** The sentence for a sensor that sent nothing for a while. */
export function dropoutSentence(
  ctx: StreamContext, gap: { from: number, to: number, usualMs: number },
): string {
  return `The ${sensorName(ctx)} sensor sent no readings for ${formatDuration(gap.to - gap.from)}, `
    + `from ${formatTime(gap.from)} to ${formatTime(gap.to)}, though it usually reports every `
    + `${formatDuration(gap.usualMs)}. The gap is not read as a value; the sensor or its connection needs checking.`
}

function sensorName(ctx: StreamContext): string {
  const label = metricLabel(ctx.metric)
  return label.charAt(0).toLowerCase() + label.slice(1)
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
