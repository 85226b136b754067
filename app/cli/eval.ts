import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadConfig } from '../../core/index.js'
import {
  CMAPSS_MLP, NAB_DETECTOR_NAME, RUL_CAP_CYCLES, evaluateCmapss, evaluateNab, formatNabTable, loadCmapss,
  loadNabCorpus, nabSummary, readDetectorScores, runStreamDetectorOnNab, writeNabScoreTables, writeResultFile,
  type CmapssResult,
} from '../../models/eval/index.js'
import { createProgressBar } from '../../simulator/index.js'
import { exitWithError, printJsonSummary } from './args.js'

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

--data is the folder holding nab/ and cmapss-fd001/ (default: FOREWARN_DATASETS_DIR, else
../shared/datasets beside the checkout, else /work/shared/datasets). --json ends the output
with one line of JSON summarising the run.`

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const [suite, ...rest] = process.argv.slice(2)

const values = parseOptions(rest)
if (values.help || suite === '--help' || suite === '-h') {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
if (suite !== 'nab' && suite !== 'cmapss') usageError(`unknown suite "${suite ?? ''}"`)

try {
  const dataDir = values.data ?? defaultDatasetsDir()
  const outDir = resolve(values.out ?? join('data', 'eval', suite))
  const isProgress = !values['no-progress']
  const summary = suite === 'nab'
    ? runNab({ dataDir, outDir, scoresDir: values.scores, isProgress })
    : runCmapss(dataDir, outDir, isProgress)
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
