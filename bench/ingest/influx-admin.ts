import type { InfluxdHandle } from '../../test/helpers/influxd.js'

/** Runs one InfluxQL statement (CREATE/DROP DATABASE) against the benchmark's influxd. */
export async function influxStatement(influxd: InfluxdHandle, q: string): Promise<void> {
  const response = await fetch(`${influxd.url}/query`, { method: 'POST', body: new URLSearchParams({ q }) })
  const text = await response.text()
  if (!response.ok || text.includes('"error"')) throw new Error(`${q} failed: ${response.status} ${text}`)
}
