import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import {
  createLogger, createMetricsRegistry, loadConfig, loadFleet, type MetricProfile, type Reading,
} from '../core/index.js'
import {
  NOVELTY_STATE_SIZE, NoveltyScore, createModels, createStreamDetector, streamContext, type ModelSettings,
} from '../models/index.js'

/**
 * `npm run bench -- models [--runs N] [--json]`: cost per reading (ns) and memory per stream
 * (bytes) of the full detector stack, medians over repeated runs. Readings are synthetic and
 * generated before timing: a 5-minute stream with a daily cycle and noise, as in the tests.
 *
 * The full stack of one stream is: physical range, novelty score, sensor health (stuck, spikes,
 * dropout), robust baseline with z-score episodes, CUSUM on hourly residuals with the hour-of-week
 * profile and, for a metric with a failure limit, the degradation trend bank. `models.observe`
 * adds the stream lookup, Prometheus counters and fusion per asset.
 *
 * Memory counts the V8 heap and the ArrayBuffer backing stores: typed arrays larger than 64 bytes
 * keep their data outside the heap, where `heapUsed` alone does not see it.
 */
const FIVE_MINUTES = 300_000
const START = Date.UTC(2026, 0, 5)
const TIMED_STREAMS = 50
const TIMED_READINGS = 4000
const MEMORY_STREAMS = 500
/** Past the warm-up (200 readings), so the warm-up buffer is gone and every detector holds its state. */
const MEMORY_READINGS = 300
/** A metric with a failure limit and a physical range: every detector runs. */
const PROFILED: MetricProfile = {
  unit: 'mm/s', failureLimit: 11.2, direction: 'above', failureMode: 'bearing_wear', physicalMin: 0, physicalMax: 100,
}

/** What memoryFigures measures: bytes per instance of the full stack and of its parts. */
interface Breakdown {
  profiledBytesPerStream: number
  unprofiledBytesPerStream: number
  noveltyBytes: number
  contextBytes: number
}

interface Figure {
  median: number
  min: number
  max: number
}

const USAGE = `npm run bench -- models [--runs N] [--json]
  --runs N  repetitions of each timing; medians with min..max are printed (default 7)
  --json    end with one line of JSON summarising the figures`

export async function runBenchmark(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '7' }, json: { type: 'boolean', default: false }, help: { type: 'boolean' },
    },
  })
  if (values.help === true) {
    print(USAGE)
    return {}
  }
  const runs = Math.max(1, Number(values.runs) || 7)
  const settings = loadConfig({ env: {} }).models
  const gc = exposeGc()
  const machine = `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`
  print(`npm run bench -- models --runs ${runs}   (${machine})`)

  const results = {
    profiledNsPerReading: repeat(runs, () => timeStreams(settings, PROFILED)),
    unprofiledNsPerReading: repeat(runs, () => timeStreams(settings, undefined)),
    modelsObserveNsPerReading: repeat(runs, () => timeModels()),
    ...await memoryFigures(settings, gc),
  }
  print(`full stack, metric with a failure limit (range, novelty, sensor health, z-score, CUSUM + weekly profile, `
    + `trend bank): ${show(results.profiledNsPerReading)} ns/reading`)
  print(`full stack without the trend (unprofiled metric): ${show(results.unprofiledNsPerReading)} ns/reading`)
  print(`models.observe (stream lookup, counters, fusion, full stack, metric with a failure limit): `
    + `${show(results.modelsObserveNsPerReading)} ns/reading`)
  print(`memory per stream, full stack with the trend bank (heap + typed-array data): `
    + `${show(results.profiledBytesPerStream)} bytes`)
  print(`memory per stream, without the trend (unprofiled metric): ${show(results.unprofiledBytesPerStream)} bytes`)
  const withTrend = results.profiledBytesPerStream.median
  const withoutTrend = results.unprofiledBytesPerStream.median
  const novelty = results.noveltyBytes.median
  const context = results.contextBytes.median
  print(`breakdown (medians): trend (bank, level history, degradation numbers) ${withTrend - withoutTrend}, `
    + `novelty score ${novelty}, stream context with its asset id ${context}, `
    + `the rest (range, sensor health, z-score, CUSUM with its weekly profile) ${withoutTrend - novelty - context}`)
  print(`(median, with min..max over ${runs} runs of ${TIMED_STREAMS} streams × ${TIMED_READINGS} readings; `
    + `memory over ${MEMORY_STREAMS} streams after ${MEMORY_READINGS} readings each)`)
  return { benchmark: 'models', runs, machine, ...results }
}

/** Round-robin over many streams, so caches see a realistic mix rather than one hot stream. */
function timeStreams(settings: ModelSettings, profile: MetricProfile | undefined): number {
  const series = syntheticSeries(TIMED_READINGS)
  const detectors = Array.from({ length: TIMED_STREAMS }, (_, i) =>
    createStreamDetector({ assetId: `a-${i}`, metric: 'vibration_rms', profile, settings }))
  const started = process.hrtime.bigint()
  for (let r = 0; r < TIMED_READINGS; r++) {
    const time = START + r * FIVE_MINUTES
    const value = series[r] ?? 0
    for (const detector of detectors) detector.observe(time, value)
  }
  return Number(process.hrtime.bigint() - started) / (TIMED_READINGS * TIMED_STREAMS)
}

function timeModels(): number {
  const models = createModels({
    config: loadConfig({ env: {} }),
    fleet: loadFleet('fleet/sample.json'),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    onSignal: () => undefined,
  })
  const series = syntheticSeries(TIMED_READINGS)
  const tags = { siteId: 's', customerId: 'c', equipmentType: 'pump' }
  const readings: Reading[] = Array.from({ length: TIMED_STREAMS }, (_, i) => ({
    deviceId: `d-${i}`, assetId: `a-${i}`, metric: 'vibration_rms', time: 0, value: 0, tags,
  }))
  const started = process.hrtime.bigint()
  for (let r = 0; r < TIMED_READINGS; r++) {
    for (const reading of readings) {
      reading.time = START + r * FIVE_MINUTES
      reading.value = series[r] ?? 0
      models.observe(reading)
    }
  }
  return Number(process.hrtime.bigint() - started) / (TIMED_READINGS * TIMED_STREAMS)
}

/**
 * Memory per instance of the full stack and of its parts, with a pause after each collection:
 * V8 returns the data of dead typed arrays on a background thread, so right after gc()
 * `arrayBuffers` may still count buffers of earlier runs; measured without the pause, the
 * figures varied by a factor of two from run to run. Five runs each.
 */
async function memoryFigures(settings: ModelSettings, gc: () => void): Promise<Record<keyof Breakdown, Figure>> {
  const series = syntheticSeries(MEMORY_READINGS)
  const feed = (observe: (time: number, value: number) => unknown): void => {
    for (let r = 0; r < MEMORY_READINGS; r++) observe(START + r * FIVE_MINUTES, series[r] ?? 0)
  }
  const stream = (profile: MetricProfile | undefined) => (i: number): unknown => {
    const detector = createStreamDetector({ assetId: `a-${i}`, metric: 'vibration_rms', profile, settings })
    feed((time, value) => detector.observe(time, value))
    return detector
  }
  const sharedNovelty = new Float64Array(MEMORY_STREAMS * NOVELTY_STATE_SIZE)
  return {
    profiledBytesPerStream: await settledBytes(gc, stream(PROFILED)),
    unprofiledBytesPerStream: await settledBytes(gc, stream(undefined)),
    // As a stream pays for it: its object, and its numbers inside the stream's one buffer
    // (allocated here beforehand, so counted by size rather than measured).
    noveltyBytes: addFigure(await settledBytes(gc, (i) => {
      const novelty = new NoveltyScore(settings.warmupReadings, sharedNovelty, i * NOVELTY_STATE_SIZE)
      feed((time, value) => novelty.observe(time, value))
      return novelty
    }), NOVELTY_STATE_SIZE * Float64Array.BYTES_PER_ELEMENT),
    contextBytes: await settledBytes(gc, (i) => streamContext(`a-${i}`, 'vibration_rms', PROFILED)),
  }
}

function addFigure(figure: Figure, bytes: number): Figure {
  return { median: figure.median + bytes, min: figure.min + bytes, max: figure.max + bytes }
}

async function settledBytes(gc: () => void, build: (i: number) => unknown): Promise<Figure> {
  const settle = async (): Promise<void> => {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 30))
    gc()
  }
  const samples: number[] = []
  for (let run = 0; run < 5; run++) {
    await settle()
    const before = retainedBytes()
    const kept = Array.from({ length: MEMORY_STREAMS }, (_, i) => build(i))
    await settle()
    samples.push((retainedBytes() - before) / kept.length)
    // Dropped before the next run's baseline: a suspended async frame would keep it alive.
    kept.length = 0
  }
  samples.sort((a, b) => a - b)
  const round = (value: number | undefined): number => Math.round(value ?? 0)
  return { median: round(samples[2]), min: round(samples[0]), max: round(samples[4]) }
}

/** Heap in use plus ArrayBuffer backing stores (typed-array data beyond 64 bytes lives outside the heap). */
function retainedBytes(): number {
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/** Vibration around 2.8 mm/s with a ±12 % daily cycle and 4 % noise (seeded, repeatable). */
function syntheticSeries(length: number): Float64Array {
  let state = 41
  const uniform = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return (state + 1) / 2_147_483_649
  }
  return Float64Array.from({ length }, (_, i) => {
    const hour = ((i * 5) / 60) % 24
    const gaussian = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
    return 2.8 * (1 + 0.12 * Math.cos((2 * Math.PI * (hour - 15)) / 24) + 0.04 * gaussian)
  })
}

function repeat(runs: number, measure: () => number): Figure {
  measure()
  const samples = Array.from({ length: runs }, measure).sort((a, b) => a - b)
  const middle = samples.length >> 1
  const median = samples.length % 2 === 1
    ? samples[middle] ?? 0
    : ((samples[middle - 1] ?? 0) + (samples[middle] ?? 0)) / 2
  return { median: Math.round(median), min: Math.round(samples[0] ?? 0), max: Math.round(samples.at(-1) ?? 0) }
}

/** A real collection before each heap reading; the flag must be set before the first use. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc')
  const gc: unknown = runInNewContext('gc')
  if (typeof gc !== 'function') return () => undefined
  return gc as () => void
}

function show(figure: Figure): string {
  return `${figure.median} (${figure.min}..${figure.max})`
}

function print(line: string): void {
  process.stdout.write(`${line}\n`)
}
