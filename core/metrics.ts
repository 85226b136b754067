import { Registry, collectDefaultMetrics } from 'prom-client'

export { Registry }

/**
 * One registry per service instance (not prom-client's global), so several instances can
 * run in one process during tests without metric name clashes.
 */
export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry()
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'forewarn_' })
  return registry
}
