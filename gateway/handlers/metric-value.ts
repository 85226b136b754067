import { NON_FINITE_MARKERS, type Refusal } from '../payload.js'

export type CheckedValue = { ok: true, value: number } | { ok: false, refusal: Refusal }

/**
 * A metric's value: finite JSON numbers become Readings, integers and fractions alike (the
 * store writes every value as a float, so `20` then `20.5` is one field type). Nothing else
 * is converted: a quoted number, a boolean or a state name is refused with the reason, and
 * an empty string or null is a missing value, never 0.
 */
export function checkMetricValue(value: unknown): CheckedValue {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return { ok: true, value }
    // JSON.parse turns a literal beyond ±1.8e308 (such as 1e999) into ±Infinity.
    return refuse('value_not_finite', `${value} is not a finite number (the literal overflows a double)`)
  }
  if (value === null) return refuse('value_missing', 'null is no value')
  if (typeof value === 'string') return checkText(value)
  if (typeof value === 'boolean') {
    return refuse('value_not_number', `${value} is a boolean; send device states as events, not telemetry`)
  }
  return refuse('value_not_number', `expected a number, got ${Array.isArray(value) ? 'an array' : 'an object'}`)
}

function checkText(text: string): CheckedValue {
  const nonFinite = NON_FINITE_MARKERS.get(text)
  if (nonFinite !== undefined) return refuse('value_not_finite', `${nonFinite} is not a finite number`)
  if (text.trim() === '') return refuse('value_missing', 'an empty string is no value (it is never read as 0)')
  const shown = JSON.stringify(text.slice(0, 40))
  return refuse('value_not_number', `expected a number, got the string ${shown} (numbers are sent unquoted)`)
}

function refuse(reason: Refusal['reason'], detail: string): CheckedValue {
  return { ok: false, refusal: { reason, detail } }
}
