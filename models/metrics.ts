import { Counter, Gauge, type Registry } from 'prom-client'

/** The models module's Prometheus metrics, registered on the service's registry. */
export interface ModelsMetrics {
  readings: Counter
  ignored: Counter<'reason'>
  signals: Counter<'kind' | 'severity'>
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
    streams: new Gauge({
      name: 'forewarn_models_streams',
      help: 'Streams (asset and metric) with detector state in memory',
      registers: [registry],
    }),
  }
}
