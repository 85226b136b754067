import { readFileSync } from 'node:fs'
import { loadConfig, loadFleet } from '../../core/index.js'
import { createProgressBar, runFleetSimulation, type Degradation } from '../../simulator/index.js'
import { exitWithError, numberFlag, parseFlags, printJsonSummary } from './args.js'

const HOUR_MS = 3_600_000

const USAGE = `usage: npm run simulate -- [--broker mqtt://127.0.0.1:1883] [--fleet F] [--credentials F]
                        [--days 9] [--speed 17280] [--interval-min 5] [--seed 1] [--start ISO]
                        [--fail ASSET:METRIC:HOURS]... [--ground-truth F] [--json] [--no-progress]

Publishes a simulated fleet's telemetry to a running broker. --speed is data time per wall
time (0 = as fast as acknowledged). Each --fail makes ASSET's METRIC reach its failure
limit HOURS after the start; the ground truth is written to --ground-truth.`

const { values } = parseFlags({
  'broker': { type: 'string' },
  'fleet': { type: 'string' },
  'credentials': { type: 'string', default: 'fleet/sample-credentials.json' },
  'days': { type: 'string' },
  'speed': { type: 'string' },
  'interval-min': { type: 'string' },
  'seed': { type: 'string' },
  'start': { type: 'string' },
  'fail': { type: 'string', multiple: true, default: [] },
  'ground-truth': { type: 'string' },
  'json': { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  'help': { type: 'boolean', default: false },
}, USAGE)
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

try {
  const config = loadConfig()
  const fleet = loadFleet(values.fleet ?? config.fleet.file)
  const credentials = JSON.parse(readFileSync(values.credentials, 'utf8')) as Record<string, string>
  const startTime = values.start === undefined ? Math.floor(Date.now() / HOUR_MS) * HOUR_MS : Date.parse(values.start)
  if (Number.isNaN(startTime)) throw new Error(`--start must be an ISO 8601 time, got "${values.start}"`)

  const summary = await runFleetSimulation({
    brokerUrl: values.broker ?? `mqtt://127.0.0.1:${config.mqtt.port}`,
    fleet,
    credentials,
    startTime,
    durationMs: numberFlag(values.days, 'days', 9) * 24 * HOUR_MS,
    intervalMs: numberFlag(values['interval-min'], 'interval-min', 5) * 60_000,
    speed: numberFlag(values.speed, 'speed', 17_280),
    seed: numberFlag(values.seed, 'seed', 1),
    degradations: values.fail.map((spec) => parseFailure(spec, startTime)),
    groundTruthFile: values['ground-truth'],
    progress: values['no-progress'] ? null : createProgressBar(),
  })
  if (values.json) printJsonSummary(summary)
  else process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
} catch (err: unknown) {
  exitWithError(err)
}

function parseFailure(spec: string, startTime: number): Degradation {
  const [assetId, metric, hours] = spec.split(':')
  const offset = Number(hours)
  if (assetId === undefined || metric === undefined || !Number.isFinite(offset)) {
    throw new Error(`--fail must look like ASSET:METRIC:HOURS (e.g. pump-01:vibration_rms:96), got "${spec}"`)
  }
  return { assetId, metric, failureAt: startTime + offset * HOUR_MS }
}
