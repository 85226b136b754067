import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from '../core/index.js'

export interface IngestMetrics {
  accepted: Counter
  stored: Counter
  failures: Counter<'reason'>
  dropped: Counter<'reason'>
  pending: Gauge
  writeDuration: Histogram<'outcome'>
}

/** Writes take milliseconds when healthy and up to the request timeout (10 s) when not. */
const WRITE_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Registers the ingest metrics on the given registry. A second ingest on the same registry
 * (a restart inside one process, as tests do) reuses them instead of failing on the name.
 */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> => {
    const existing = registry.getSingleMetric(name)
    if (existing instanceof Counter) return existing as Counter<L>
    return new Counter({ name, help, labelNames, registers: [registry] })
  }

  return {
    accepted: counter('forewarn_ingest_readings_accepted_total', 'Readings taken by accept()', []),
    stored: counter('forewarn_ingest_readings_stored_total', 'Readings the store confirmed', []),
    failures: counter('forewarn_ingest_write_failures_total',
      'Failed batch writes, retried or not, by reason', ['reason']),
    dropped: counter('forewarn_ingest_readings_dropped_total',
      'Readings in batches the store rejected as bad data (never retried)', ['reason']),
    pending: gauge(registry, 'forewarn_ingest_pending_readings',
      'Readings accepted but not yet stored'),
    writeDuration: histogram(registry, 'forewarn_ingest_write_duration_seconds',
      'Duration of one batch write to the telemetry store, by outcome'),
  }
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  const existing = registry.getSingleMetric(name)
  if (existing instanceof Gauge) return existing
  return new Gauge({ name, help, registers: [registry] })
}

function histogram(registry: Registry, name: string, help: string): Histogram<'outcome'> {
  const existing = registry.getSingleMetric(name)
  if (existing instanceof Histogram) return existing as Histogram<'outcome'>
  return new Histogram({
    name, help, labelNames: ['outcome'], buckets: WRITE_BUCKETS_SECONDS, registers: [registry],
  })
}
