import type { CmapssData } from './cmapss-data.js'
import { fitFeatureSpace, writeFeatures, type FeatureSpace } from './cmapss-features.js'
import { trainMlp, type MlpOptions } from './mlp-regressor.js'
import type { EvalProgress } from './progress.js'

/**
 * True remaining life is capped at 125 cycles, the piecewise-linear target of Heimes (2008)
 * that the C-MAPSS literature scores against: early in life the remaining cycles are not
 * observable from the sensors.
 */
export const RUL_CAP_CYCLES = 125
/** "Fails within 30 cycles": the alarm the F1 score judges. */
export const ALARM_CYCLES = 30
/** Network size and schedule, chosen on a validation split of the training engines. */
export const CMAPSS_MLP: Omit<MlpOptions, 'onEpoch'> = { hidden: 64, epochs: 30, learningRate: 0.002, seed: 1 }

/** One test engine's prediction at its last cycle. */
export interface RulPrediction {
  unit: number
  predicted: number
  /** True remaining life, capped. */
  actual: number
}

/** C-MAPSS results: RMSE at each test engine's last cycle, and the fails-within-30 alarm. */
export interface CmapssResult {
  rmse: number
  /** RMSE of always predicting the mean capped life of the training samples. */
  constantRmse: number
  f1: number
  precision: number
  recall: number
  trainSamples: number
  features: number
  trainMs: number
  predictions: RulPrediction[]
}

/**
 * Trains the network on every cycle of the training engines (features from that cycle and
 * before, target the capped remaining life) and predicts each test engine at its last cycle.
 */
export function evaluateCmapss(
  data: CmapssData, options: { mlp?: Omit<MlpOptions, 'onEpoch'>, progress?: EvalProgress | null } = {},
): CmapssResult {
  const mlp = options.mlp ?? CMAPSS_MLP
  const space = fitFeatureSpace(data.train)
  const { features, targets } = trainingSet(data, space)
  const started = performance.now()
  options.progress?.start(mlp.epochs, 'cmapss training')
  const onEpoch = (epoch: number) => options.progress?.update(epoch)
  const model = trainMlp(features, targets, space.width, { ...mlp, onEpoch })
  options.progress?.stop()
  const trainMs = performance.now() - started

  const vector = new Float64Array(space.width)
  const predictions = data.test.map((engine, i) => {
    writeFeatures(space, engine, engine.cycles.length - 1, vector)
    const predicted = Math.min(RUL_CAP_CYCLES, Math.max(0, model.predict(vector)))
    return { unit: engine.unit, predicted, actual: Math.min(RUL_CAP_CYCLES, data.testRul[i] ?? 0) }
  })
  const constant = targets.reduce((a, b) => a + b, 0) / targets.length
  return {
    rmse: rmse(predictions.map((p) => p.predicted - p.actual)),
    constantRmse: rmse(predictions.map((p) => constant - p.actual)),
    ...alarmScores(predictions),
    trainSamples: targets.length,
    features: space.width,
    trainMs,
    predictions,
  }
}

function trainingSet(data: CmapssData, space: FeatureSpace): { features: Float64Array, targets: Float64Array } {
  const samples = data.train.reduce((total, engine) => total + engine.cycles.length, 0)
  const features = new Float64Array(samples * space.width)
  const targets = new Float64Array(samples)
  let at = 0
  for (const engine of data.train) {
    for (let t = 0; t < engine.cycles.length; t++, at++) {
      writeFeatures(space, engine, t, features, at * space.width)
      targets[at] = Math.min(RUL_CAP_CYCLES, engine.cycles.length - 1 - t)
    }
  }
  return { features, targets }
}

/** Precision, recall and F1 of "fails within 30 cycles" (the cap at 125 does not change which fail). */
function alarmScores(predictions: RulPrediction[]): { f1: number, precision: number, recall: number } {
  let tp = 0
  let fp = 0
  let fn = 0
  for (const { predicted, actual } of predictions) {
    const isAlarm = predicted <= ALARM_CYCLES
    const isFailing = actual <= ALARM_CYCLES
    if (isAlarm && isFailing) tp++
    else if (isAlarm) fp++
    else if (isFailing) fn++
  }
  return {
    f1: tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
    precision: tp === 0 ? 0 : tp / (tp + fp),
    recall: tp === 0 ? 0 : tp / (tp + fn),
  }
}

function rmse(errors: number[]): number {
  return Math.sqrt(errors.reduce((total, e) => total + e * e, 0) / errors.length)
}
