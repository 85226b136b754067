import type { InfluxdHandle } from '../helpers/influxd.js'

/** Runs InfluxQL through the v1 HTTP API directly, to set up or inspect what a store wrote. */
export async function influxql(
  influxd: InfluxdHandle, q: string, database?: string,
): Promise<unknown> {
  const params = new URLSearchParams({ q, epoch: 'ms' })
  if (database !== undefined) params.set('db', database)
  const response = await fetch(`${influxd.url}/query`, { method: 'POST', body: params })
  return response.json()
}

export async function createDatabase(influxd: InfluxdHandle, database: string): Promise<void> {
  await influxql(influxd, `CREATE DATABASE "${database}"`)
}

/**
 * Writes `value=1i` (an integer field) for pump-1 temperature at `time`, so that a later
 * float write to the same shard fails with InfluxDB's "field type conflict" (HTTP 400).
 */
export async function plantIntegerField(
  influxd: InfluxdHandle, database: string, time: number,
): Promise<void> {
  const line = `telemetry,asset_id=pump-1,metric=temperature value=1i ${time}`
  const url = `${influxd.url}/write?db=${database}&precision=ms`
  const response = await fetch(url, { method: 'POST', body: line })
  if (response.status === 204) return
  throw new Error(`planting an integer field failed: ${response.status} ${await response.text()}`)
}
