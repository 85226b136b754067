import {
  createLogger, createMetricsRegistry,
  type Config, type DeviceEvent, type Fleet, type Logger, type Registry, type Signal, type WorkOrder, type Reading,
} from '../core/index.js'
import { createGateway, type Gateway } from '../gateway/index.js'
import { createIngest, type Ingest, type TelemetryStore } from '../ingest/index.js'
import { createModels, warmStartFromStore, type Models } from '../models/index.js'
import { createDispatch, type Dispatch } from '../dispatch/index.js'
import { createApi, type Api } from '../api/index.js'
import { AssetBoard } from './asset-board.js'
import { outcomeReport, replayOutcomes } from './model-feedback.js'
import { createPipelineMetrics } from './pipeline-metrics.js'
import { cancelResolvedSilence } from './silence-resolved.js'
import { silentDeviceSignal } from './silent-device.js'
import { VERSION } from './version.js'

export interface ServiceOptions {
  config: Config
  fleet: Fleet
  logger?: Logger
  registry?: Registry
  /** Called once for every work order the service opens (not when evidence attaches to one). */
  onWorkOrderOpened?: (workOrder: WorkOrder, signal: Signal) => void
  /** Called for every Signal (the models', and silent-device Signals), before dispatch sees it. */
  onSignal?: (signal: Signal) => void
  /**
   * The telemetry store instead of the one config.influx names (the ingest benchmark wraps the
   * real store to time every stored reading).
   */
  store?: TelemetryStore
}

export interface Service {
  start(): Promise<void>
  stop(): Promise<void>
  readonly config: Config
  readonly logger: Logger
  readonly registry: Registry
  readonly gateway: Gateway
  readonly ingest: Ingest
  readonly models: Models
  readonly dispatch: Dispatch
  /** The HTTP API, with its key store. */
  readonly http: Api
  /** Valid after start(). */
  readonly httpUrl: string
  readonly mqttUrl: string
}

/**
 * The composition root: builds each capability and wires one's output to the next one's
 * input (gateway → ingest and models → dispatch). No capability knows another.
 */
export function createService(options: ServiceOptions): Service {
  const { config, fleet } = options
  const logger = options.logger ?? createLogger({ level: config.log.level })
  const registry = options.registry ?? createMetricsRegistry()
  const pipeline = createPipelineMetrics(registry)
  const openedWorkOrders = new Set<string>()
  const board = new AssetBoard()

  const ingest = createIngest({ config, logger, metrics: registry, store: options.store })

  const routeSignal = (signal: Signal): void => {
    options.onSignal?.(signal)
    try {
      const workOrder = dispatch.handleSignal(signal)
      if (workOrder === null || openedWorkOrders.has(workOrder.id)) return
      openedWorkOrders.add(workOrder.id)
      options.onWorkOrderOpened?.(workOrder, signal)
    } catch (err: unknown) {
      // A dispatch failure must not stop telemetry; the signal is logged with its full evidence.
      pipeline.signalFailures.inc()
      logger.error({ err, assetId: signal.assetId, signal }, 'signal could not be dispatched')
    }
  }
  // routeSignal reaches dispatch (below) only once the service runs. The models name their own
  // child logger (module: models); another child here wrote the key twice on every line.
  const models = createModels({
    config, fleet, logger, metrics: registry, onSignal: routeSignal,
  })
  const dispatch = createDispatch({
    config, fleet, logger: logger.child({ module: 'dispatch' }), metrics: registry,
    // What a visit found tunes the models (no fault found: less sensitive there; confirmed: a label).
    onWorkOrderCompleted: (workOrder) => {
      const report = outcomeReport(workOrder)
      if (report !== null) models.recordOutcome(report)
    },
  })

  // The PUBACK for a QoS 1 message waits on this promise: the readings are queued for the
  // store before the device hears "accepted", then observed by the models.
  // Not async: this runs for every message, and a then() costs less than an async frame.
  const observeReadings = (readings: Reading[]): void => {
    for (const reading of readings) {
      models.observe(reading)
      board.observeReading(reading)
      // Advances dispatch's data clock and watches repaired assets (telemetry-verified closure).
      dispatch.observeReading(reading)
    }
  }
  const acceptReadings = (readings: Reading[]): Promise<void> =>
    ingest.accept(readings).then(() => observeReadings(readings))
  // A silent device becomes a Signal here (app/silent-device.ts); every other event is the models'.
  const routeDeviceEvent = (event: DeviceEvent): void => {
    board.observeEvent(event)
    const silent = silentDeviceSignal(event)
    if (silent !== null) {
      routeSignal(silent)
      return
    }
    models.observeEvent(event)
    try {
      cancelResolvedSilence(event, { fleet, dispatch, board, logger })
    } catch (err: unknown) {
      logger.error({ err, deviceId: event.deviceId, assetId: event.assetId }, 'resumed device: work order not cancelled')
    }
  }
  const gateway = createGateway({
    config,
    fleet,
    logger: logger.child({ module: 'gateway' }),
    metrics: registry,
    onReadings: acceptReadings,
    onDeviceEvent: routeDeviceEvent,
  })
  const http = createApi({
    config, logger: logger.child({ module: 'http' }), registry, fleet, dispatch, gateway, ingest, models, board, version: VERSION,
    readiness: async () => ({ ingest: await ingest.isReady(), dispatch: dispatch.isReady() }),
  })

  return buildLifecycle({ config, logger, registry, gateway, ingest, models, dispatch, http, fleet })
}

interface Parts {
  config: Config
  logger: Logger
  registry: Registry
  gateway: Gateway
  ingest: Ingest
  models: Models
  dispatch: Dispatch
  http: Api
  fleet: Fleet
}

function buildLifecycle(parts: Parts): Service {
  const { gateway, ingest, dispatch, http, logger, models, fleet } = parts
  const stop = async (): Promise<void> => {
    // Reverse order: stop taking input, then flush what was accepted.
    await http.stop()
    await gateway.stop()
    await ingest.stop()
    await dispatch.stop()
    logger.info({}, 'service stopped')
  }
  return {
    config: parts.config, logger, registry: parts.registry, gateway, ingest, models, dispatch, http,
    get httpUrl() { return http.url },
    get mqttUrl() { return gateway.url },
    async start() {
      try {
        // Stores first, so the broker never acknowledges a reading nobody can keep.
        await ingest.start()
        await dispatch.start()
        // Before the broker opens, so no new reading is observed ahead of the history it follows.
        await warmStart({ models, fleet, ingest, dispatch, logger })
        replayOutcomes(dispatch, models, logger)
        await gateway.start()
        await http.start()
      } catch (err: unknown) {
        // A start that fails half way (a port in use) closes what it opened: no broker left
        // accepting readings, no spool lock held, before the caller learns why.
        await stop().catch((stopErr: unknown) => {
          logger.warn({ err: stopErr }, 'stopping after a failed start failed')
        })
        throw err
      }
      logger.info({ mqttUrl: gateway.url, httpUrl: http.url, store: ingest.store.kind }, 'service started')
    },
    stop,
  }
}

/**
 * Rebuilds the models' baselines, trends and open cases from the telemetry store, so a restart
 * neither forgets a developing fault nor alarms on a baseline learnt again from scratch. History
 * ends at dispatch's data clock (saved across restarts; the wall clock before any data), which
 * replays and simulations move away from today. A store that cannot answer only costs the warm
 * start, never the service.
 */
async function warmStart(parts: Pick<Parts, 'models' | 'fleet' | 'ingest' | 'dispatch' | 'logger'>): Promise<void> {
  const { models, fleet, ingest, dispatch, logger } = parts
  try {
    const summary = await warmStartFromStore({
      // The data clock, not the wall clock: a replay of last year's data warms up on last year.
      models, fleet, query: (q) => ingest.query(q), until: dispatch.now() + 1,
    })
    logger.info({ ...summary }, 'models warm-started from the telemetry store')
  } catch (err: unknown) {
    logger.warn({ err }, 'models start cold: the telemetry store could not give recent history')
  }
}
