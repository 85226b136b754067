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

export interface WriteLinesOptions {
  /** Lines in the body, for error details. */
  points: number
  /** Abandons the write (stop() after its timeout); the lines stay in the spool. */
  signal?: AbortSignal
}

/**
 * Where telemetry lands. Writing the same point (series, millisecond, value) twice keeps one,
 * so a retried or replayed batch never duplicates data.
 */
export interface TelemetryStore {
  readonly kind: 'influx' | 'embedded'
  open(): Promise<void>
  write(readings: Reading[]): Promise<void>
  /**
   * Writes UTF-8 line protocol in the telemetry schema (as toLine() makes it, lines separated
   * by \n). The pipeline spools these bytes and hands them on without parsing them again.
   */
  writeLines(body: Buffer, options: WriteLinesOptions): Promise<void>
  query(q: RangeQuery): Promise<SeriesPoint[]>
  count(q: CountQuery): Promise<number>
  ping(): Promise<boolean>
  close(): Promise<void>
}
