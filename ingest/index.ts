/**
 * The telemetry pipeline: spools accepted Readings durably on disk, drains them in batches
 * into InfluxDB (or the embedded SQLite store), and answers range queries.
 */

/** Range, count and store contracts shared by both telemetry stores. */
export type {
  Aggregate, RangeQuery, SeriesPoint, CountQuery, TelemetryStore, WriteLinesOptions,
} from './types.js'
/** The ingest lifecycle object and what it needs. */
export type { IngestDeps, Ingest } from './ingest.js'
/** Counters returned by Ingest.stats(). */
export type { PipelineStats as IngestStats } from './pipeline.js'
/** Builds the ingest pipeline; picks the store from config when deps.store is absent. */
export { createIngest } from './ingest.js'
/** Path of the embedded store's SQLite file under config.data.dir. */
export { embeddedStoreFile } from './ingest.js'
/** The spool directory the config names (spool.dir, or <data.dir>/spool). */
export { spoolDirectory } from './ingest.js'
/** A reading the store refused for good, with the store's reason, and the kinds of refusal. */
export type { DeadLetter, DeadLetterKind } from './dead-letters.js'
/** The telemetry store on an InfluxDB 1.x, 2.x or 3.x server (influx.version picks the API). */
export { createInfluxStore } from './influx-store.js'
/** Connection settings for createInfluxStore (config.influx fits). */
export type { InfluxStoreOptions } from './influx-store.js'
/** The serverless telemetry store: one SQLite file. */
export { createEmbeddedStore } from './embedded-store.js'
/** A reading as a line of the telemetry schema, and back (the spool and stores speak it). */
export { toLine, toLines, parseLine } from './line-protocol.js'
/** Every FW_ERR_ING_* code, for the catalogue test and docs. */
export { INGEST_ERROR_CODES } from './errors.js'
/** Ingest error classes; callers branch on `err.code`, not on the class. */
export {
  WriteFailedError, WriteRejectedError, StoreUnavailableError, QueryFailedError, QueryInvalidError,
  ReadingInvalidError, NotRunningError, SpoolLockedError, SpoolFailedError,
} from './errors.js'
/** Error code union and the details a failed write carries. */
export type { IngestErrorCode, WriteFailureReason, WriteFailureDetails } from './errors.js'
