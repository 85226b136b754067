import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadFleet, type Fleet } from '../../core/index.js'

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS
/** A Monday in February: no daylight-saving change in Berlin or New York for weeks. */
export const START = Date.parse('2024-02-05T00:00:00Z')

/** The sample fleet and its demo secrets, as shipped in fleet/. */
export function sampleFleet(): { fleet: Fleet, credentials: Record<string, string> } {
  const fleet = loadFleet(fileURLToPath(new URL('../../fleet/sample.json', import.meta.url)))
  const credentialsFile = fileURLToPath(new URL('../../fleet/sample-credentials.json', import.meta.url))
  const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>
  return { fleet, credentials }
}
