import type { MetricProfile } from '../core/index.js'

/** Failure mode of a metric without an equipment profile (e.g. replayed CSV data). */
export const UNPROFILED_FAILURE_MODE = 'abnormal_behaviour'

/** What every detector of one stream (asset + metric) needs to know about it. */
export interface StreamContext {
  assetId: string
  metric: string
  /** Empty when the metric has no profile. */
  unit: string
  failureMode: string
  /** Absent: the stream has no degradation trend. */
  failureLimit: number | undefined
  direction: 'above' | 'below'
  physicalMin: number | undefined
  physicalMax: number | undefined
}

/** The stream's context from its metric profile, which may be absent. */
export function streamContext(
  assetId: string, metric: string, profile: MetricProfile | undefined,
): StreamContext {
  return {
    assetId,
    metric,
    unit: profile?.unit ?? '',
    failureMode: profile?.failureMode ?? UNPROFILED_FAILURE_MODE,
    failureLimit: profile?.failureLimit,
    direction: profile?.direction ?? 'above',
    physicalMin: profile?.physicalMin,
    physicalMax: profile?.physicalMax,
  }
}
