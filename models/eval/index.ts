/**
 * Evaluation harness: scores detectors on public labelled data. It reads datasets from a
 * folder given at run time and imports only core and the models' public surface.
 */

/** NAB's cost profiles, probation length and scaled sigmoid. */
export { NAB_PROFILES, NO_DETECTION_THRESHOLD, probationLength, scaledSigmoid } from './nab-profiles.js'
/** A NAB cost profile and its name. */
export type { NabProfile, NabProfileName } from './nab-profiles.js'
/** Per-row detection values of one file under one profile. */
export { sweepFile } from './nab-sweep.js'
/** A file's shape, its windows as row ranges, and its sweep. */
export type { FileSweep, NabFileShape, WindowRows } from './nab-sweep.js'
/** A file's score at a threshold, and the corpus-wide threshold optimiser. */
export { scoreFile, optimizeThreshold } from './nab-threshold.js'
/** Per-file score and a threshold choice. */
export type { FileScore, ThresholdChoice } from './nab-threshold.js'
/** Reads the NAB corpus, NAB timestamps and CSV files with a header. */
export { loadNabCorpus, parseNabTime, readCsvRecords } from './nab-corpus.js'
/** The corpus, one of its files and the windows files it can be read with. */
export type { NabCorpus, NabFile, NabWindowsFile } from './nab-corpus.js'
/** Reads a detector's score files; writes NAB-format result files. */
export { readDetectorScores, writeResultFile } from './nab-results.js'
/** Scores a detector over the corpus (three profiles, categories, out of sample); normalisation. */
export { evaluateNab, normalizeNab, foldOf } from './nab-evaluation.js'
/** What evaluateNab reports. */
export type { NabEvaluation, NabProfileResult, NabSubtotal, NabThresholds } from './nab-evaluation.js'
/** The results table, the JSON summary and NAB's per-profile score tables. */
export { formatNabTable, nabSummary, writeNabScoreTables } from './nab-report.js'
/** Runs the production stream detector over the corpus; its name in NAB result files. */
export { runStreamDetectorOnNab, NAB_DETECTOR_NAME } from './nab-run.js'
/** Per-row scores of a detector run. */
export type { NabRun } from './nab-run.js'
/** Progress reporting of long evaluations. */
export type { EvalProgress } from './progress.js'
/** Reads C-MAPSS FD001 (training engines, test engines, true remaining lives). */
export { loadCmapss, CMAPSS_COLUMNS, FIRST_SENSOR_COLUMN } from './cmapss-data.js'
/** C-MAPSS engines and the dataset. */
export type { CmapssData, CmapssEngine } from './cmapss-data.js'
/** Windowed level-and-slope features of an engine at a cycle, and the sensors they use. */
export { fitFeatureSpace, writeFeatures, FEATURE_WINDOW_CYCLES } from './cmapss-features.js'
/** The sensors and standardisation of the features. */
export type { FeatureSpace } from './cmapss-features.js'
/** Trains and scores the remaining-life model on C-MAPSS: RMSE and the fails-within-30 F1. */
export { evaluateCmapss, RUL_CAP_CYCLES, ALARM_CYCLES, CMAPSS_MLP } from './cmapss-evaluation.js'
/** C-MAPSS results and one engine's prediction. */
export type { CmapssResult, RulPrediction } from './cmapss-evaluation.js'
/** A small seeded multilayer perceptron for regression. */
export { trainMlp } from './mlp-regressor.js'
/** Its options and the trained network. */
export type { MlpOptions, MlpRegressor } from './mlp-regressor.js'
/** Scores the models on a simulated fleet: recall at a lead time, false work orders, lead times. */
export { evaluateFleet } from './fleet-evaluation.js'
/** The fleet suite's truth, options, figures and per-failure outcomes. */
export type { FleetTruth, FleetEvaluationOptions, FleetEvaluation, FailureOutcome } from './fleet-evaluation.js'
/** Dispatch's "one open work order per asset and failure mode" rule, for evaluation. */
export { WorkOrderLedger } from './work-order-ledger.js'
/** A work order the ledger opened. */
export type { LedgerOrder } from './work-order-ledger.js'
/** The fleet suite's results table and JSON summary. */
export { formatFleetTable, fleetSummary } from './fleet-report.js'
