import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from '../core/index.js'

export interface IngestMetrics {
  accepted: Counter
  stored: Counter
  replayed: Counter
  failures: Counter<'reason'>
  deadLetters: Counter<'reason'>
  pending: Gauge
  spoolBytes: Gauge
  waiting: Gauge
  corruptBytes: Counter
  writeDuration: Histogram<'outcome'>
  syncDuration: Histogram
  storedLag: Histogram
}

/** Writes take milliseconds when healthy and up to the request timeout (10 s) when not. */
const WRITE_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** A synchronised write on an SSD takes a fraction of a millisecond; a busy disk, tens of them. */
const SYNC_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
/** From accept() to stored: the flush interval (1 s) and the write dominate when healthy. */
const LAG_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5, 10, 30, 60, 300]

/**
 * Registers the ingest metrics on the given registry. A second ingest on the same registry
 * (a restart inside one process, as tests do) reuses them instead of failing on the name.
 */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const counter = <L extends string>(
    name: string, help: string, labelNames: L[] = [],
  ): Counter<L> => {
    const existing = registry.getSingleMetric(name)
    if (existing instanceof Counter) return existing as Counter<L>
    return new Counter({ name, help, labelNames, registers: [registry] })
  }

  return {
    accepted: counter('forewarn_ingest_readings_accepted_total',
      'Readings accept() made durable in the spool'),
    stored: counter('forewarn_ingest_readings_stored_total', 'Readings the store confirmed'),
    replayed: counter('forewarn_ingest_readings_replayed_total',
      'Readings stored from the spool that an earlier run had accepted'),
    failures: counter('forewarn_ingest_write_failures_total',
      'Failed batch writes, retried or not, by reason', ['reason']),
    deadLetters: counter('forewarn_ingest_dead_letters_total',
      'Readings the store refused for good, by reason', ['reason']),
    pending: gauge(registry, 'forewarn_ingest_pending_readings',
      'Readings this run accepted that are not yet stored or dead-lettered'),
    spoolBytes: gauge(registry, 'forewarn_ingest_spool_bytes', 'Spool bytes not yet stored'),
    waiting: gauge(registry, 'forewarn_ingest_accept_waiting',
      'accept() calls waiting for spool room'),
    corruptBytes: counter('forewarn_ingest_spool_corrupt_bytes_total',
      'Spool bytes skipped because their checksum failed'),
    writeDuration: histogram(registry, {
      name: 'forewarn_ingest_write_duration_seconds',
      labelNames: ['outcome'],
      buckets: WRITE_BUCKETS_SECONDS,
      help: 'Duration of one batch write to the telemetry store, by outcome',
    }) as Histogram<'outcome'>,
    syncDuration: histogram(registry, {
      name: 'forewarn_ingest_spool_sync_duration_seconds',
      labelNames: [],
      buckets: SYNC_BUCKETS_SECONDS,
      help: 'Duration of one spool group commit (a synchronised write)',
    }),
    storedLag: histogram(registry, {
      name: 'forewarn_ingest_stored_lag_seconds', labelNames: [], buckets: LAG_BUCKETS_SECONDS,
      help: 'Time from accept() to stored, of the oldest reading of each batch',
    }),
  }
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  const existing = registry.getSingleMetric(name)
  if (existing instanceof Gauge) return existing
  return new Gauge({ name, help, registers: [registry] })
}

interface HistogramSpec {
  name: string
  help: string
  labelNames: string[]
  buckets: number[]
}

function histogram(registry: Registry, spec: HistogramSpec): Histogram<string> {
  const existing = registry.getSingleMetric(spec.name)
  if (existing instanceof Histogram) return existing as Histogram<string>
  return new Histogram({ ...spec, registers: [registry] })
}
