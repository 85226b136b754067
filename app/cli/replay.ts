import { createProgressBar, replayCsv } from '../../simulator/index.js'
import { replayInProcess } from '../replay-run.js'
import { exitWithError, numberFlag, parseFlags, printJsonSummary } from './args.js'

const USAGE = `usage: npm run replay -- --file F [--device D] [--metric M] [--speed N] [--json]
                      [--broker mqtt://host:port --secret S] [--data-dir DIR] [--no-progress]

Replays a timestamp,value CSV as one device's telemetry. Without --broker it runs the whole
service in-process on embedded defaults, waits until everything is processed and reports
rows read, readings stored, signals and the work orders opened (times in the data's clock).
--speed is data time per wall time (0, the default, = as fast as the broker acknowledges).`

const { values } = parseFlags({
  'file': { type: 'string' },
  'device': { type: 'string', default: 'replay-01' },
  'metric': { type: 'string', default: 'value' },
  'speed': { type: 'string' },
  'broker': { type: 'string' },
  'secret': { type: 'string' },
  'data-dir': { type: 'string' },
  'json': { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  'help': { type: 'boolean', default: false },
}, USAGE)

if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
if (values.file === undefined) {
  process.stderr.write(`--file is required\n\n${USAGE}\n`)
  process.exit(2)
}

const file = values.file
const speed = numberFlag(values.speed, 'speed', 0)
const progress = values['no-progress'] ? null : createProgressBar()

try {
  if (values.broker !== undefined) {
    if (values.secret === undefined) throw new Error('--broker needs --secret (the device\'s secret)')
    const summary = await replayCsv({
      file, brokerUrl: values.broker, deviceId: values.device, secret: values.secret,
      metric: values.metric, speed, progress,
    })
    report(summary, values.json)
  } else {
    const summary = await replayInProcess({
      file, deviceId: values.device, metric: values.metric, speed, progress, dataDir: values['data-dir'],
      overrides: { log: { level: process.env.FOREWARN_LOG_LEVEL ?? 'warn' } as { level: 'warn' } },
    })
    report(summary, values.json)
  }
} catch (err: unknown) {
  exitWithError(err)
}

function report(summary: object, json: boolean): void {
  if (json) {
    printJsonSummary(summary)
    return
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
}
