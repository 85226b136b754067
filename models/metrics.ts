import { Counter, Gauge, type Registry } from 'prom-client'

/** The models module's Prometheus metrics, registered on the service's registry. */
export interface ModelsMetrics {
  readings: Counter
  ignored: Counter<'reason'>
  signals: Counter<'kind' | 'severity'>
  joined: Counter<'kind'>
  outcomes: Counter<'detector' | 'outcome'>
  streams: Gauge
}

export function createModelsMetrics(registry: Registry): ModelsMetrics {
  return {
    readings: new Counter({
      name: 'forewarn_models_readings_total',
      help: 'Readings given to the detectors',
      registers: [registry],
    }),
    ignored: new Counter({
      name: 'forewarn_models_readings_ignored_total',
      help: 'Readings not used, by reason (out_of_order, invalid_time, stream_limit)',
      labelNames: ['reason'],
      registers: [registry],
    }),
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
