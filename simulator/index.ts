/**
 * The simulator: virtual devices and CSV replay that reach Forewarn only over MQTT, like real
 * devices do. It imports nothing from gateway, ingest, models or dispatch.
 */

/** Runs a simulated fleet against a broker and writes its ground truth. */
export { runFleetSimulation } from './fleet-simulation.js'
/** Options of runFleetSimulation and what it reports. */
export type { FleetSimulationOptions, SimulationSummary } from './fleet-simulation.js'
/** A failure to inject into a simulated run. */
export type { Degradation } from './fleet-degradations.js'
/** Replays a timestamp,value CSV as one device's telemetry. */
export { replayCsv } from './csv-replay.js'
/** Options of replayCsv and what it reports. */
export type { ReplayOptions, ReplaySummary } from './csv-replay.js'
/** A cli-progress bar on stderr for long runs. */
export { createProgressBar } from './progress.js'
/** What a long run reports its progress to. */
export type { ProgressReporter } from './progress.js'
/** The ground-truth file written beside a simulated run. */
export type { GroundTruth, GroundTruthDevice } from './ground-truth.js'
/** An injected failure as listed in the ground truth and the summary. */
export type { FailureTruth } from './fleet-plan.js'
/** Healthy signal levels per metric name, and the lookup with its default for unknown metrics. */
export { SIGNAL_PROFILES, signalProfileFor } from './signal-profiles.js'
/** How a healthy metric behaves. */
export type { SignalProfile } from './signal-profiles.js'
/** The simulator's coded error and its catalogue of codes. */
export { SimulatorError, SIMULATOR_ERROR_CODES } from './errors.js'
/** One of the simulator's error codes. */
export type { SimulatorErrorCode } from './errors.js'
/** A simulated fleet with known failures, sensor faults and weekly load, for in-process evaluation. */
export { buildFleetScenario } from './fleet-scenario.js'
/** Options of buildFleetScenario and the scenario it builds. */
export type { ScenarioOptions, FleetScenario } from './fleet-scenario.js'
/** A scenario's readings in data-clock order, and how many there are at most. */
export { scenarioReadings, scenarioReadingCount } from './scenario-readings.js'
/** Injected sensor faults: their kinds and their ground truth. */
export { SENSOR_FAULT_KINDS } from './sensor-faults.js'
/** One kind of sensor fault and one injected fault. */
export type { SensorFaultKind, SensorFaultTruth } from './sensor-faults.js'
