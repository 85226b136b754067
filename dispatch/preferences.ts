import type { Customer, Fleet } from '../core/index.js'
import { CustomerNotFoundError, PreferencesInvalidError } from './errors.js'
import type { PreferenceStore, StoredPreferences } from './preference-store.js'
import type { QuietHours } from './quiet-hours.js'

/** Languages customer notices are written in (email, invitation, the webhook's words). */
export const LANGUAGES = ['en', 'de'] as const
export type Language = typeof LANGUAGES[number]

/** The settings a customer may change; anything not set follows the fleet file. */
export interface PreferenceOverrides {
  email?: boolean
  webhook?: boolean
  /** null: no quiet hours, even if the fleet file names some. */
  quietHours?: QuietHours | null
  language?: Language
  timeZone?: string
}

/** A change as a caller asks for it: only the fields it names change. */
export interface PreferenceChanges {
  channels?: { email?: boolean, webhook?: boolean }
  quietHours?: QuietHours | null
  language?: Language
  timeZone?: string
}

/** A customer's notification preferences as dispatch applies them. */
export interface CustomerPreferences {
  customerId: string
  channels: { email: boolean, webhook: boolean }
  quietHours: QuietHours | null
  language: Language
  /** IANA zone of visit windows in notices and of the quiet hours. */
  timeZone: string
  /** Whether the fleet file gives the customer a webhook at all; without one it cannot be on. */
  webhookAvailable: boolean
  /** The fields set through preferences; the others come from the fleet file. */
  overridden: Array<keyof PreferenceOverrides>
  /** Wall-clock time and author of the last change; null while only the fleet file speaks. */
  updatedAt: number | null
  updatedBy: string | null
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/

/** The canonical name of an IANA zone as the runtime's ICU knows it, or undefined if unknown. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone
  } catch {
    // Intl throws RangeError for an unknown zone; that is exactly the answer wanted.
    return undefined
  }
}

/** The fleet file's values under the customer's own overrides. */
export function effectivePreferences(customer: Customer, stored: StoredPreferences | undefined): CustomerPreferences {
  const overrides = stored?.overrides ?? {}
  const webhookAvailable = customer.webhook !== undefined
  return {
    customerId: customer.id,
    channels: {
      email: overrides.email ?? true,
      // Stored "on" cannot outlive a webhook the fleet file no longer defines.
      webhook: webhookAvailable && (overrides.webhook ?? true),
    },
    quietHours: overrides.quietHours === undefined ? customer.quietHours ?? null : overrides.quietHours,
    language: overrides.language ?? 'en',
    timeZone: overrides.timeZone ?? customer.timeZone,
    webhookAvailable,
    overridden: (Object.keys(overrides) as Array<keyof PreferenceOverrides>).sort(),
    updatedAt: stored?.updatedAt ?? null,
    updatedBy: stored?.updatedBy ?? null,
  }
}

/** The effective preferences of a customer the fleet knows. */
export function preferencesOf(
  input: { fleet: Fleet, preferences: PreferenceStore }, customerId: string,
): CustomerPreferences {
  const customer = input.fleet.customer(customerId)
  if (customer === undefined) throw new CustomerNotFoundError(customerId)
  return effectivePreferences(customer, input.preferences.get(customerId))
}

/**
 * Checks a change against the customer and merges it into the stored overrides. Field names
 * in errors are the change's own paths (`channels.webhook`, `quietHours.end`).
 */
export function mergeChanges(
  customer: Customer, current: PreferenceOverrides, changes: PreferenceChanges,
): PreferenceOverrides {
  const merged: PreferenceOverrides = { ...current }
  const { channels, quietHours, language, timeZone } = changes
  if (channels?.email !== undefined) merged.email = channels.email
  if (channels?.webhook !== undefined) {
    if (channels.webhook && customer.webhook === undefined) {
      throw new PreferencesInvalidError('channels.webhook', 'the customer has no webhook in the fleet file')
    }
    merged.webhook = channels.webhook
  }
  if (quietHours !== undefined) merged.quietHours = checkQuietHours(quietHours)
  if (language !== undefined) {
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      throw new PreferencesInvalidError('language', `notices are written in ${LANGUAGES.join(', ')} only`)
    }
    merged.language = language
  }
  if (timeZone !== undefined) {
    const canonical = canonicalTimeZone(timeZone)
    if (canonical === undefined) throw new PreferencesInvalidError('timeZone', `unknown IANA time zone ${timeZone}`)
    merged.timeZone = canonical
  }
  return merged
}

function checkQuietHours(quiet: QuietHours | null): QuietHours | null {
  if (quiet === null) return null
  for (const field of ['start', 'end'] as const) {
    if (!TIME_OF_DAY.test(quiet[field])) throw new PreferencesInvalidError(`quietHours.${field}`, 'time of day as HH:MM')
  }
  if (quiet.start === quiet.end) {
    throw new PreferencesInvalidError('quietHours.end', 'equal to the start; send null for no quiet hours')
  }
  return { start: quiet.start, end: quiet.end }
}
