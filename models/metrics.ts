import { Counter, Gauge, type Registry } from 'prom-client'

/** The models module's Prometheus metrics, registered on the service's registry. */
export interface ModelsMetrics {
  /** Readings not used, by reason; a plain tally on the hot path, read when scraped. */
  ignored: IgnoredTally
  signals: Counter<'kind' | 'severity'>
  joined: Counter<'kind'>
  outcomes: Counter<'detector' | 'outcome'>
  streams: Gauge
}

/** Counts of ignored readings by reason, kept as plain numbers (see createModelsMetrics). */
export class IgnoredTally {
  readonly counts = new Map<string, number>()

  count(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1)
  }
}

/**
 * The per-reading counters are read when Prometheus scrapes, not incremented per reading: a
 * prom-client inc() hashes its labels and cost 1 to 1.5 % of the ingest benchmark's CPU each.
 * `readingsObserved` gives the readings the detectors saw.
 */
export function createModelsMetrics(registry: Registry, readingsObserved: () => number): ModelsMetrics {
  new Counter({
    name: 'forewarn_models_readings_total',
    help: 'Readings given to the detectors',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(readingsObserved())
    },
  })
  const ignored = new IgnoredTally()
  new Counter({
    name: 'forewarn_models_readings_ignored_total',
    help: 'Readings not used, by reason (out_of_order, invalid_time, stream_limit)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [reason, count] of ignored.counts) this.inc({ reason }, count)
    },
  })
  return {
    ignored,
    signals: new Counter({
      name: 'forewarn_models_signals_total',
      help: 'Signals raised, by kind and severity',
      labelNames: ['kind', 'severity'],
      registers: [registry],
    }),
    joined: new Counter({
      name: 'forewarn_models_evidence_joined_total',
      help: 'Stream findings joined to an open case of their asset and failure mode without a new Signal, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    outcomes: new Counter({
      name: 'forewarn_models_outcomes_total',
      help: 'Closed work orders reported back to the models, per detector behind the case and outcome',
      labelNames: ['detector', 'outcome'],
      registers: [registry],
    }),
    streams: new Gauge({
      name: 'forewarn_models_streams',
      help: 'Streams (asset and metric) with detector state in memory',
      registers: [registry],
    }),
  }
}
