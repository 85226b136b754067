import { Counter, type Registry } from 'prom-client'

/** Counters owned by the composition root itself (failures at the seams between capabilities). */
export function createPipelineMetrics(registry: Registry): { signalFailures: Counter } {
  return {
    signalFailures: new Counter({
      name: 'forewarn_pipeline_signal_failures_total',
      help: 'Signals that dispatch could not turn into a work order (see the error log)',
      registers: [registry],
    }),
  }
}
