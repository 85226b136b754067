import { readFileSync, rmSync } from 'node:fs'
import pretty from 'pino-pretty'
import { join, resolve } from 'node:path'
import { createLogger, loadConfig, loadServiceFleet, type Signal, type WorkOrder, type Fleet } from '../../core/index.js'
import { createProgressBar, runFleetSimulation } from '../../simulator/index.js'
import { adminKeyFile } from '../../api/index.js'
import { createService } from '../service.js'
import { DEMO_DURATION_MS, DEMO_SPEED, demoDegradations, demoStartTime } from '../demo-plan.js'
import { exitWithError, parseFlags } from './args.js'
import { stopOnSignals } from './lifecycle.js'

const USAGE = `usage: npm run demo [-- --credentials FILE --keep-data]

Runs Forewarn on its embedded defaults (aedes broker, SQLite telemetry and work orders, emails
written to files) with a simulated fleet in which three parts degrade towards failure.`

const { values } = parseFlags({
  'credentials': { type: 'string', default: 'fleet/sample-credentials.json' },
  'keep-data': { type: 'boolean', default: false },
  'help': { type: 'boolean', default: false },
}, USAGE)
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

try {
  const config = loadConfig({
    overrides: {
      data: { dir: process.env.FOREWARN_DATA_DIR ?? 'data/demo' },
      log: { level: (process.env.FOREWARN_LOG_LEVEL ?? 'warn') as 'warn' },
      // Nobody works the demo's visits while nine simulated days pass in 45 s, so every visit
      // would be "missed" and escalated in data time. Check deadlines daily (wall clock) instead,
      // unless FOREWARN_DISPATCH_ESCALATION_INTERVAL_MS asks otherwise.
      dispatch: { escalationIntervalMs: Number(process.env.FOREWARN_DISPATCH_ESCALATION_INTERVAL_MS ?? 86_400_000) },
    },
  })
  // Demo state is throw-away: a fresh start shows work orders appearing, not last run's.
  if (!values['keep-data']) rmSync(config.data.dir, { recursive: true, force: true })
  const credentials = JSON.parse(readFileSync(values.credentials, 'utf8')) as Record<string, string>
  // Humans read the demo: warnings (such as an escalation) print as readable lines on stderr.
  const logger = createLogger({ level: config.log.level, destination: pretty({ destination: 2 }) })
  // With --keep-data, devices changed through the API last time stay changed.
  const fleet = loadServiceFleet(config, logger)
  const service = createService({
    config, fleet, logger, onWorkOrderOpened: (wo, signal) => announce(fleet, wo, signal, service.httpUrl),
  })
  await service.start()
  // The demo's data is thrown away at the next run, so its planner key may be shown in the terminal.
  const { key: plannerKey } = service.http.keys.create({ name: 'demo planner', role: 'planner' })
  const mailDir = resolve(join(config.data.dir, 'mail'))
  print(`Forewarn demo is running.
  Planner key:       ${plannerKey}
  Work orders (API): curl -H 'Authorization: Bearer ${plannerKey}' ${service.httpUrl}/api/work-orders
  API description:   ${service.httpUrl}/docs (paste the planner key under "Authorize")
  Admin key:         ${config.api.adminKey === '' ? `in ${resolve(adminKeyFile(config))}` : 'FOREWARN_API_ADMIN_KEY'}
  Health, metrics:   ${service.httpUrl}/healthz  ${service.httpUrl}/metrics
  MQTT broker:       ${service.mqttUrl} (port ${service.gateway.port})
  Customer emails:   ${config.smtp.url === '' ? `written to ${mailDir}` : 'sent over SMTP'}
Simulating ${fleet.data.devices.length} devices, one simulated day every 5 seconds; three parts will degrade.
`)

  const abort = new AbortController()
  stopOnSignals(logger, async () => {
    abort.abort()
    await service.stop()
  })
  const startTime = demoStartTime(Date.now())
  const summary = await runFleetSimulation({
    brokerUrl: service.mqttUrl, fleet, credentials, startTime, durationMs: DEMO_DURATION_MS,
    speed: DEMO_SPEED, seed: 7, degradations: demoDegradations(startTime),
    groundTruthFile: join(config.data.dir, 'ground-truth.json'), progress: createProgressBar(), signal: abort.signal,
  })
  const { total } = service.dispatch.listWorkOrders({ limit: 1 })
  print(`\nSimulation finished: ${summary.messagesPublished} messages (${summary.readingsPublished} readings) published, ${total} work orders.
The service keeps running so you can query ${service.httpUrl}/api/work-orders with the planner key. Ctrl-C stops it.`)
} catch (err: unknown) {
  exitWithError(err)
}

function announce(fleet: Fleet, wo: WorkOrder, signal: Signal, httpUrl: string): void {
  const asset = fleet.asset(wo.assetId)
  const visit = wo.visit === null ? 'no feasible slot yet (escalated to the owner)' : new Date(wo.visit.start).toISOString()
  print(`\n[work order] ${wo.id} for ${asset?.name ?? wo.assetId}: ${signal.evidence.summary}
  visit: ${visit}, technician: ${wo.technicianId ?? 'none'}, owner: ${fleet.planner(wo.ownerId)?.name ?? wo.ownerId}
  ${httpUrl}/api/work-orders/${wo.id}`)
}

function print(text: string): void {
  process.stdout.write(`${text}\n`)
}
