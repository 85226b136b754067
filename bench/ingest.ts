import { availableParallelism, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { startInfluxd, type InfluxdHandle } from '../test/helpers/influxd.js'
import { aedesAloneRate, influxBulkRate, median, steadyRate } from './ingest/baselines.js'
import { BENCH_METRICS } from './ingest/bench-fleet.js'
import { runPipeline, type PipelineRunResult } from './ingest/pipeline-run.js'

const USAGE = `npm run bench -- ingest [options] [--json]
  --seconds N           length of the pipeline run (default 30; 300 for the 5-minute run)
  --devices N           MQTT sessions of the load generator (default 200)
  --window N            unacknowledged QoS 1 messages per session (default 16)
  --rate N              messages/s over all sessions; 0 = as fast as acknowledged (default 0)
  --batch-size N        influx.batchSize (default 5000)
  --flush-interval N    influx.flushIntervalMs (default 1000)
  --writes-in-flight N  influx.maxWritesInFlight (default 4, as the service's)
  --baseline-seconds N  length of each baseline measurement (default 4)
  --repeat N            baseline measurements; the median is used (default 3)
  --no-baselines        the pipeline run alone (for profiling)
  --json                end with one line of JSON summarising the run`

const NUMBER_FLAGS = {
  'seconds': 30, 'devices': 200, 'window': 16, 'rate': 0, 'batch-size': 5_000, 'flush-interval': 1_000,
  'writes-in-flight': 4, 'baseline-seconds': 4, 'repeat': 3,
}
type NumberFlag = keyof typeof NUMBER_FLAGS

interface Options {
  seconds: number
  devices: number
  window: number
  rate: number
  batchSize: number
  flushIntervalMs: number
  writesInFlight: number
  baselineSeconds: number
  repeat: number
  isBaselined: boolean
  isHelp: boolean
  isJson: boolean
}

function parseOptions(argv: string[]): Options {
  const flags = Object.fromEntries(Object.keys(NUMBER_FLAGS).map((name) => [name, { type: 'string' as const }]))
  const booleans = {
    'json': { type: 'boolean' as const }, 'no-baselines': { type: 'boolean' as const }, 'help': { type: 'boolean' as const },
  }
  const { values } = parseArgs({ args: argv, options: { ...flags, ...booleans }, strict: true })
  const number = (name: NumberFlag): number => {
    const text = (values as Record<string, unknown>)[name]
    if (typeof text !== 'string') return NUMBER_FLAGS[name]
    const parsed = Number(text)
    if (Number.isFinite(parsed) && parsed >= 0) return parsed
    throw new Error(`--${name} must be a number >= 0, got "${text}"\n${USAGE}`)
  }
  return {
    seconds: number('seconds'), devices: number('devices'), window: number('window'), rate: number('rate'),
    batchSize: number('batch-size'), flushIntervalMs: number('flush-interval'),
    writesInFlight: Math.max(1, number('writes-in-flight')), baselineSeconds: number('baseline-seconds'),
    repeat: Math.max(1, number('repeat')), isBaselined: values['no-baselines'] !== true,
    isHelp: values.help === true, isJson: values.json === true,
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`)
}

const round = (value: number): number => Math.round(value)
const mb = (bytes: number): number => Math.round(bytes / 1_048_576)
const ratio = (a: number, b: number): number => Number((a / b).toFixed(2))

async function measureBaselines(options: Options, influxd: InfluxdHandle) {
  const influx: number[] = []
  const aedes: number[] = []
  const bulk = { seconds: options.baselineSeconds, batchSize: options.batchSize, inFlight: options.writesInFlight }
  for (let i = 0; i < options.repeat; i++) {
    influx.push(await influxBulkRate(influxd, bulk))
    say(`  influxd bulk write, run ${i + 1}: ${round(influx.at(-1) ?? 0)} points/s`)
  }
  const devices = Array.from({ length: options.devices }, (_, n) => ({ id: `bench-dev-${n}`, secret: 'x' }))
  for (let i = 0; i < options.repeat; i++) {
    const durationMs = options.baselineSeconds * 1_000
    aedes.push(await aedesAloneRate({ devices, metrics: BENCH_METRICS, durationMs, window: options.window, rate: 0 }))
    say(`  aedes alone, run ${i + 1}: ${round(aedes.at(-1) ?? 0)} messages/s`)
  }
  return { influxPointsPerSecond: round(median(influx)), aedesMessagesPerSecond: round(median(aedes)) }
}

function pipelineFigures(run: PipelineRunResult, options: Options) {
  const quarters = (samples: number[]): number[] => [0.25, 0.5, 0.75, 1].map((fraction) => {
    const index = Math.min(samples.length - 1, Math.floor(samples.length * fraction))
    return mb(samples[index] ?? 0)
  })
  const cpu = Object.fromEntries(Object.entries(run.cpuSeconds).map(([k, v]) => [k, Number(v.toFixed(1))]))
  const acked = Math.max(1, run.generator.acked)
  const perMessage = (cpuSeconds: number): number => Number(((cpuSeconds * 1e6) / acked).toFixed(1))
  return {
    messagesAckedPerSecond: round(steadyRate(run.generator.perSecond)),
    readingsStoredPerSecond: round(steadyRate(run.storedPerSecond.slice(0, options.seconds))),
    messagesSent: run.generator.sent,
    messagesAcked: run.generator.acked,
    readingsStored: run.storedTotal,
    latencyP50Ms: run.latency.percentile(0.5),
    latencyP99Ms: run.latency.percentile(0.99),
    latencyMaxMs: run.latency.percentile(1),
    peakRssMb: mb(Math.max(...run.rss)),
    rssMbAtQuarters: quarters(run.rss),
    heapUsedMbAtQuarters: quarters(run.heapUsed),
    externalMbAtQuarters: quarters(run.external),
    spoolBytesAtEndOfLoad: run.spoolBytesAtEnd,
    spoolGroupCommits: run.spoolSyncs,
    eventLoopDelay: run.loopDelay,
    cpuSeconds: cpu,
    // The steadiest figure on a shared machine: what one message costs the pipeline process
    // (broker included), whatever share of the cores the other processes leave it.
    cpuMicrosecondsPerMessage: perMessage(run.cpuSeconds.pipeline),
    mainThread: mainThreadFigures(run, perMessage),
    cpuBudget: cpuBudget(run, perMessage),
    signals: run.signals,
  }
}

/**
 * The event loop, which runs the broker and the pipeline and so bounds the rate: its CPU per
 * message, how busy it was, and the share of a core it got while busy (below 1 when the other
 * threads and processes took the core from it).
 */
function mainThreadFigures(run: PipelineRunResult, perMessage: (cpuSeconds: number) => number) {
  const { cpuSeconds, utilization } = run.mainThread
  const busySeconds = utilization * run.cpuSeconds.wallSeconds
  return {
    cpuMicrosecondsPerMessage: perMessage(cpuSeconds),
    eventLoopUtilization: Number(utilization.toFixed(3)),
    coreShareWhileBusy: Number((busySeconds > 0 ? cpuSeconds / busySeconds : 0).toFixed(2)),
  }
}

/**
 * What one message costs every process of the run (the service, influxd storing its four
 * points, the load generator) and the rate the machine's cores would allow at those costs if
 * they were never idle: an upper bound that no split of the work across threads can pass.
 */
function cpuBudget(run: PipelineRunResult, perMessage: (cpuSeconds: number) => number) {
  const { pipeline, influxd, generator } = run.cpuSeconds
  const total = perMessage(pipeline + influxd + generator)
  return {
    microsecondsPerMessage: {
      service: perMessage(pipeline), influxd: perMessage(influxd), generator: perMessage(generator), total,
    },
    ceilingMessagesPerSecond: round((availableParallelism() * 1e6) / Math.max(total, Number.EPSILON)),
  }
}

/** The run's settings as the summary records them (the output flags are not settings). */
function shownOptions(options: Options): Omit<Options, 'isHelp' | 'isJson'> {
  const shown: Partial<Options> = { ...options }
  delete shown.isHelp
  delete shown.isJson
  return shown as Omit<Options, 'isHelp' | 'isJson'>
}

/** The headline figures, in words; the JSON summary has them all. */
function printResult(
  pipeline: ReturnType<typeof pipelineFigures>,
  baselines: { influxPointsPerSecond: number, aedesMessagesPerSecond: number },
  ratios: { messagesVsAedesAlone: number, readingsVsInfluxAlone: number },
  options: Options,
): void {
  say(`result over ${options.seconds} s:`)
  say(`  messages acknowledged (QoS 1, 4 metrics each): ${pipeline.messagesAckedPerSecond}/s`)
  say(`  readings stored in influxd: ${pipeline.readingsStoredPerSecond}/s`)
  say(`  publish-to-stored latency: p50 ${pipeline.latencyP50Ms} ms, p99 ${pipeline.latencyP99Ms} ms, `
    + `max ${pipeline.latencyMaxMs} ms`)
  say(`  service memory at 25/50/75/100 % of the run: RSS ${pipeline.rssMbAtQuarters.join('/')} MB `
    + `(peak ${pipeline.peakRssMb}), V8 heap ${pipeline.heapUsedMbAtQuarters.join('/')} MB, `
    + `Buffers ${pipeline.externalMbAtQuarters.join('/')} MB`)
  if (options.isBaselined) {
    say(`  against the baselines: ${ratios.messagesVsAedesAlone} of aedes alone `
      + `(${baselines.aedesMessagesPerSecond} messages/s), ${ratios.readingsVsInfluxAlone} of influxd's bulk write `
      + `(${baselines.influxPointsPerSecond} points/s)`)
  }
  say(`  Signals the models raised on the bench fleet: ${pipeline.signals}`)
}

/** `npm run bench -- ingest`: the pipeline on real influxd, beside raw baselines of the same machine. */
export async function runBenchmark(argv: string[]): Promise<Record<string, unknown>> {
  const options = parseOptions(argv)
  if (options.isHelp) {
    say(USAGE)
    return {}
  }
  const command = `npm run bench -- ingest ${argv.join(' ')}`.trim()
  say(command)
  const influxd = await startInfluxd({ database: 'bench' })
  try {
    if (options.isBaselined) say('baselines (the median of the runs is used):')
    const baselines = options.isBaselined
      ? await measureBaselines(options, influxd)
      : { influxPointsPerSecond: Number.NaN, aedesMessagesPerSecond: Number.NaN }
    say(`pipeline: ${options.seconds} s, ${options.devices} sessions × ${options.window} in flight, 4 metrics/message`)
    const pipeline = pipelineFigures(await runPipeline({ influxd, ...options }), options)
    const ratios = {
      messagesVsAedesAlone: ratio(pipeline.messagesAckedPerSecond, baselines.aedesMessagesPerSecond),
      readingsVsInfluxAlone: ratio(pipeline.readingsStoredPerSecond, baselines.influxPointsPerSecond),
    }
    const machine = { cores: availableParallelism(), loadAverage1m: Number(loadavg()[0]?.toFixed(2)) }
    printResult(pipeline, baselines, ratios, options)
    const { cpuBudget: budget, mainThread } = pipeline
    say(`CPU per message: service ${budget.microsecondsPerMessage.service} µs (its event loop `
      + `${mainThread.cpuMicrosecondsPerMessage} µs, busy ${mainThread.eventLoopUtilization} of the time, `
      + `on a core ${mainThread.coreShareWhileBusy} of that), influxd ${budget.microsecondsPerMessage.influxd} µs, `
      + `generator ${budget.microsecondsPerMessage.generator} µs; ${machine.cores} cores allow at most `
      + `${budget.ceilingMessagesPerSecond} messages/s at these costs`)
    const summary = { benchmark: 'ingest', command, options: shownOptions(options), machine, baselines, pipeline, ratios }
    // With --json the runner prints the summary as its last line; without, every figure here.
    if (!options.isJson) say(`every figure (the --json summary):\n${JSON.stringify(summary, null, 2)}`)
    return summary
  } finally {
    await influxd.stop()
  }
}
