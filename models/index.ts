/**
 * Online anomaly detection and failure prediction. Readings in, Signals out; imports only core.
 * See docs in each file for the statistics and their sources.
 */

/** Builds the models capability from config, fleet, logger, metrics registry and a Signal sink. */
export { createModels } from './models.js'
/** Dependencies of createModels and the capability it returns. */
export type { Models, ModelsDeps } from './models.js'
/** Builds all detectors of one stream (asset + metric), for use or evaluation on its own. */
export { createStreamDetector } from './stream-detector.js'
/** Options, per-reading outcome and interface of a stream detector. */
export type {
  StreamDetector, StreamDetectorOptions, StreamObservation, IgnoredReason, ModelSettings,
} from './stream-detector.js'
/** What a stream's detectors know about it, and how it is derived from a metric profile. */
export { streamContext, UNPROFILED_FAILURE_MODE } from './stream-context.js'
/** A stream's metric, unit, failure mode, limit and physical range. */
export type { StreamContext } from './stream-context.js'
/** Online robust level and spread (streaming median and MAD) with warm-up. */
export { RobustBaseline } from './robust-baseline.js'
/** Snapshot of a robust baseline. */
export type { BaselineState } from './robust-baseline.js'
/** Continuous anomaly score in [0, 1): a reading's deviations against their decaying records. */
export { NOVELTY_STATE_SIZE, NoveltyScore } from './novelty-score.js'
/** Robust z-score anomaly detector with episodes and hysteresis, and its name and version. */
export { AnomalyDetector, ANOMALY_DETECTOR } from './anomaly-detector.js'
/** Settings and per-reading outcome of the anomaly detector. */
export type { AnomalySettings, AnomalyStep } from './anomaly-detector.js'
/** Degradation trend detector with failure prediction, and its name and version. */
export { DegradationDetector, DEGRADATION_DETECTOR } from './degradation-detector.js'
/** Settings of the degradation detector. */
export type { DegradationSettings } from './degradation-detector.js'
/** Bank of exponentially weighted trend curves, its growth rates and weight half-life. */
export { TrendBank, GROWTH_RATES_PER_HOUR, TREND_HALF_LIFE_HOURS } from './trend-bank.js'
/** All candidate fits of a trend bank at one reading, and one curve's fit. */
export type { BankFit, TrendFit } from './trend-bank.js'
/** Credibility and projected crossing of a trend, and the crossing-time formula. */
export { assessTrend, hoursToLimit, MIN_T_STAT, MIN_SIGNAL_TO_NOISE } from './trend-assessment.js'
/** What a trend says about reaching the limit. */
export type { TrendAssessment } from './trend-assessment.js'
/** Physical-range (sensor fault) check, its detector name and failure mode. */
export { PhysicalRangeCheck, PHYSICAL_RANGE_DETECTOR, SENSOR_FAULT_MODE } from './physical-range.js'
/** Signal for a device-reported fault event, its detector name and failure mode. */
export { deviceFaultSignal, DEVICE_FAULT_DETECTOR, DEVICE_FAULT_MODE } from './device-fault.js'
/** Deterministic Signal ids and Signal assembly from a detector's finding. */
export { signalId, toSignal } from './finding.js'
/** A detector's conclusion before it becomes a Signal. */
export type { Finding } from './finding.js'
/** The models module's coded error and its catalogue of codes. */
export { ModelsError, MODELS_ERROR_CODES } from './errors.js'
/** One of the models module's error codes. */
export type { ModelsErrorCode } from './errors.js'
/** Two-sided CUSUM on hourly residuals from the hour-of-week profile: lasting level shifts. */
export { ChangeDetector, CUSUM_DETECTOR } from './change-detector.js'
/** Settings of the change detector. */
export type { ChangeSettings } from './change-detector.js'
/** The usual value of a stream for each hour of the week, and the hour of the week of a time. */
export { SeasonalProfile, hourOfWeek } from './seasonal-profile.js'
/** Stuck values, recurring spikes and dropouts: sensor faults, with their detector names. */
export {
  SensorHealth, STUCK_SENSOR_DETECTOR, SENSOR_SPIKES_DETECTOR, SENSOR_DROPOUT_DETECTOR,
} from './sensor-health.js'
/** Fusion per asset and failure mode: one case, one Signal, a new one only when evidence grows. */
export { AssetFusion, FUSION_VERSION } from './asset-fusion.js'
/** Outcome feedback: sensitivity per asset and failure mode, per-detector precision and lead time, labels. */
export { OutcomeFeedback } from './outcome-feedback.js'
/** A closed work order's outcome as models hears it, a confirmed-fault label, one detector's outcomes. */
export type { OutcomeReport, WorkOrderOutcome, FaultLabel, DetectorOutcomes } from './outcome-feedback.js'
/** What a case's evidence came from, and the gate that decides whether a finding may open one. */
export type { CaseEvidence, OpeningGate } from './asset-fusion.js'
/** Warm start from the telemetry store after a restart, and how much history it replays. */
export { warmStartFromStore, WARM_START_HOURS } from './warm-start.js'
/** The store query it needs and what it reports. */
export type { HistoryQuery, WarmStartSummary } from './warm-start.js'
