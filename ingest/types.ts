import type { Reading } from '../core/index.js'

export type Aggregate = 'mean' | 'min' | 'max'

/** Points of one asset's metric in [from, to), raw or downsampled into fixed buckets. */
export interface RangeQuery {
  assetId: string
  metric: string
  /** Epoch ms, inclusive. */
  from: number
  /** Epoch ms, exclusive. */
  to: number
  /** Downsampling bucket; omitted = raw points. Buckets are aligned to the epoch, not to `from`. */
  everyMs?: number
  /** Only with everyMs; defaults to 'mean' when everyMs is set. */
  aggregate?: Aggregate
  limit?: number
  offset?: number
}

/** One raw point, or one bucket (time = bucket start) when downsampled. */
export interface SeriesPoint {
  time: number
  value: number
}

/** Every field narrows the count; an empty query counts every stored point. */
export interface CountQuery {
  assetId?: string
  metric?: string
  /** Epoch ms, inclusive. */
  from?: number
  /** Epoch ms, exclusive. */
  to?: number
}

/**
 * Where telemetry lands. Writing the same (asset, metric, time) twice keeps one point
 * (the last value), so a retried batch never duplicates data.
 */
export interface TelemetryStore {
  readonly kind: 'influx' | 'embedded'
  open(): Promise<void>
  write(readings: Reading[]): Promise<void>
  query(q: RangeQuery): Promise<SeriesPoint[]>
  count(q: CountQuery): Promise<number>
  ping(): Promise<boolean>
  close(): Promise<void>
}
