import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadConfig, loadFleet } from '../../core/index.js'
import {
  CMAPSS_MLP, NAB_DETECTOR_NAME, RUL_CAP_CYCLES, evaluateCmapss, evaluateFleet, evaluateNab, fleetSummary,
  formatFleetTable, formatNabTable, loadCmapss, loadNabCorpus, nabSummary, readDetectorScores,
  runStreamDetectorOnNab, writeNabScoreTables, writeResultFile, type CmapssResult,
} from '../../models/eval/index.js'
import {
  buildFleetScenario, createProgressBar, scenarioReadingCount, scenarioReadings,
} from '../../simulator/index.js'
import { exitWithError, numberFlag, printJsonSummary } from './args.js'

const USAGE = `usage: npm run eval -- <suite> [--data DIR] [--out DIR] [--json] [--no-progress]

suites:
  nab   Numenta Anomaly Benchmark v1.1: runs the stream detector over all 58 files and
        prints NAB scores per category and in total for the three profiles, with the
        threshold tuned on the whole corpus (in-sample, as NAB does) and out of sample
        (2 folds of files, each scored with the threshold tuned on the other). Writes NAB
        result files and score tables under --out (default data/eval/nab).
        --scores DIR  score an existing detector's results instead of running ours (NAB's
                      results/<det> layout, or nab/reference/detector_scores/<det>)
  cmapss
        NASA C-MAPSS FD001: trains the remaining-life model on the 100 training engines and
        prints the RMSE at each test engine's last cycle (true life capped at 125) and the F1
        of "fails within 30 cycles". Writes predictions.csv under --out (default
        data/eval/cmapss).
  fleet A simulated fleet, in-process: assets of the fleet file's equipment types with failures
        (wear of a metric to its failure limit), sensor faults (stuck, spikes, dropouts, out of
        range), daily cycles and weekend load drops, fed through the production detectors.
        Work orders open by dispatch's rule (one open per asset and failure mode; one that
        answers no failure closes after --visit-hours). Prints recall (failures with a work
        order at least --lead-hours ahead), false work orders per 100 asset-months, the
        lead-time distribution and how sensor faults were told apart. Writes outcomes.json
        under --out (default data/eval/fleet).
        --assets N (120)  --days D (60)  --seed S (1)  --lead-hours H (24)  --visit-hours H (24)
        --fleet FILE  equipment types, sites and planners (default fleet/sample.json)

--data is the folder holding nab/ and cmapss-fd001/ (default: FOREWARN_DATASETS_DIR, else
../shared/datasets beside the checkout, else /work/shared/datasets). --json ends the output
with one line of JSON summarising the run.`

/** Fixed data-clock start of simulated runs (a Monday), so a seed always gives the same run. */
const FLEET_START = Date.UTC(2026, 0, 5)
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const [suite, ...rest] = process.argv.slice(2)

const values = parseOptions(rest)
if (values.help || suite === '--help' || suite === '-h') {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
if (suite !== 'nab' && suite !== 'cmapss' && suite !== 'fleet') {
  usageError(suite === undefined ? 'no suite named: nab, cmapss or fleet' : `unknown suite "${suite}"`)
}

try {
  const dataDir = values.data ?? defaultDatasetsDir()
  const outDir = resolve(values.out ?? join('data', 'eval', suite))
  const isProgress = !values['no-progress']
  const summary = suite === 'nab'
    ? runNab({ dataDir, outDir, scoresDir: values.scores, isProgress })
    : suite === 'cmapss' ? runCmapss(dataDir, outDir, isProgress) : runFleet(outDir, isProgress)
  if (values.json) printJsonSummary(summary)
} catch (err: unknown) {
  exitWithError(err)
}

interface NabCommand {
  dataDir: string
  outDir: string
  scoresDir: string | undefined
  isProgress: boolean
}

function runNab(command: NabCommand): Record<string, unknown> {
  const started = performance.now()
  const corpus = loadNabCorpus(command.dataDir)
  const settings = loadConfig().models
  const run = command.scoresDir === undefined
    ? runStreamDetectorOnNab(corpus, settings, command.isProgress ? createProgressBar() : null)
    : null
  const scores = run?.scores ?? corpus.files.map((file) => readDetectorScores(command.scoresDir ?? '', file))
  const detector = command.scoresDir === undefined ? NAB_DETECTOR_NAME : baseName(command.scoresDir)

  const evaluation = evaluateNab(corpus, scores, { detector })
  const resultsDir = join(command.outDir, 'results')
  if (run !== null) corpus.files.forEach((file, i) => writeResultFile(resultsDir, detector, file, scores[i] ?? []))
  writeNabScoreTables(resultsDir, evaluation)

  process.stdout.write(`${formatNabTable(evaluation)}\n`)
  const rows = corpus.files.reduce((total, file) => total + file.rows, 0)
  const detectorNs = run === null ? null : Math.round((run.elapsedMs * 1e6) / rows)
  process.stdout.write(`${corpus.files.length} files, ${rows} rows; detector ${detectorNs ?? '-'} ns per row; `
    + `results in ${join(resultsDir, detector)}\n`)
  return {
    suite: 'nab', files: corpus.files.length, rows, ...nabSummary(evaluation),
    detectorNsPerRow: detectorNs, settings: run === null ? null : settings,
    resultsDir: join(resultsDir, detector), elapsedMs: Math.round(performance.now() - started),
  }
}

function runCmapss(dataDir: string, outDir: string, isProgress: boolean): Record<string, unknown> {
  const data = loadCmapss(dataDir)
  const result = evaluateCmapss(data, { progress: isProgress ? createProgressBar() : null })
  mkdirSync(outDir, { recursive: true })
  const predictionsFile = join(outDir, 'predictions.csv')
  const lines = result.predictions.map((p) => `${p.unit},${p.predicted.toFixed(2)},${p.actual}`)
  writeFileSync(predictionsFile, `unit,predicted_rul,true_rul_capped\n${lines.join('\n')}\n`)

  process.stdout.write(`${formatCmapss(result)}\npredictions in ${predictionsFile}\n`)
  const round = (value: number) => Math.round(value * 1000) / 1000
  return {
    suite: 'cmapss', testEngines: result.predictions.length, rulCap: RUL_CAP_CYCLES, rmse: round(result.rmse),
    constantRmse: round(result.constantRmse), f1: round(result.f1), precision: round(result.precision),
    recall: round(result.recall), trainSamples: result.trainSamples, features: result.features,
    trainMs: Math.round(result.trainMs), model: CMAPSS_MLP, predictionsFile,
  }
}

function runFleet(outDir: string, isProgress: boolean): Record<string, unknown> {
  const options = {
    assets: positive(numberFlag(values.assets, 'assets', 120), 'assets'),
    days: positive(numberFlag(values.days, 'days', 60), 'days'),
    seed: numberFlag(values.seed, 'seed', 1),
    leadHours: numberFlag(values['lead-hours'], 'lead-hours', 24),
    visitHours: positive(numberFlag(values['visit-hours'], 'visit-hours', 24), 'visit-hours'),
  }
  const fleetFile = values.fleet ?? join(REPO_ROOT, 'fleet', 'sample.json')
  const scenario = buildFleetScenario({
    baseFleet: loadFleet(fleetFile), assets: options.assets, days: options.days, seed: options.seed,
    startTime: FLEET_START,
  })
  const truth = {
    failures: scenario.failures,
    sensorFaults: scenario.sensorFaults,
    assets: scenario.devices.map((device) => ({
      assetId: device.assetId, from: scenario.grid.startTime, to: device.failureAt ?? scenario.grid.endTime,
    })),
  }
  const result = evaluateFleet(scenarioReadings(scenario), truth, {
    fleet: scenario.fleet, config: loadConfig(), leadHours: options.leadHours, visitHours: options.visitHours,
    progress: isProgress ? createProgressBar() : null, totalReadings: scenarioReadingCount(scenario),
  })

  mkdirSync(outDir, { recursive: true })
  const outcomesFile = join(outDir, 'outcomes.json')
  const { outcomes, falseOrders } = result
  writeFileSync(outcomesFile, `${JSON.stringify({ options, truth, outcomes, falseOrders }, null, 2)}\n`)
  process.stdout.write(`Simulated fleet: ${options.assets} assets, ${options.days} days, seed ${options.seed} `
    + `(${scenario.weeklyAssets.length} with weekend load drops)\n${formatFleetTable(result)}\n`
    + `${result.readings} readings in ${(result.elapsedMs / 1000).toFixed(1)} s; outcomes in ${outcomesFile}\n`)
  return { suite: 'fleet', ...options, ...fleetSummary(result), elapsedMs: Math.round(result.elapsedMs), outcomesFile }
}

function positive(value: number, name: string): number {
  if (value > 0) return value
  return usageError(`--${name} must be positive, got ${value}`)
}

function formatCmapss(result: CmapssResult): string {
  const mlp = `MLP, ${CMAPSS_MLP.hidden} hidden, ${CMAPSS_MLP.epochs} epochs`
  return [
    `C-MAPSS FD001: remaining life at each test engine's last cycle (true life capped at ${RUL_CAP_CYCLES})`,
    `${'model'.padEnd(34)} ${'RMSE'.padStart(7)}   fails within 30 cycles: F1  precision  recall`,
    `${mlp.padEnd(34)} ${result.rmse.toFixed(2).padStart(7)}   ${result.f1.toFixed(3).padStart(25)} `
    + `${result.precision.toFixed(3).padStart(10)} ${result.recall.toFixed(3).padStart(7)}`,
    `${'constant (mean of training targets)'.padEnd(36)} ${result.constantRmse.toFixed(2).padStart(7)}`,
    `trained on ${result.trainSamples} cycles × ${result.features} features in ${(result.trainMs / 1000).toFixed(1)} s`,
  ].join('\n')
}

function defaultDatasetsDir(): string {
  const fromEnv = process.env.FOREWARN_DATASETS_DIR
  const candidates = [
    ...(fromEnv === undefined || fromEnv === '' ? [] : [fromEnv]),
    join(REPO_ROOT, '..', 'shared', 'datasets'),
    '/work/shared/datasets',
  ]
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0] ?? '.'
}

function baseName(dir: string): string {
  return resolve(dir).split(/[\\/]/).filter((part) => part !== '').at(-1) ?? dir
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        'data': { type: 'string' },
        'out': { type: 'string' },
        'scores': { type: 'string' },
        'assets': { type: 'string' },
        'days': { type: 'string' },
        'seed': { type: 'string' },
        'lead-hours': { type: 'string' },
        'visit-hours': { type: 'string' },
        'fleet': { type: 'string' },
        'json': { type: 'boolean', default: false },
        'no-progress': { type: 'boolean', default: false },
        'help': { type: 'boolean', default: false },
      },
      allowPositionals: false,
      strict: true,
    }).values
  } catch (err: unknown) {
    return usageError(err instanceof Error ? err.message : String(err))
  }
}

function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`)
  process.exit(2)
}
