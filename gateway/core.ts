import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { systemClock, type Clock, type Logger } from '../core/index.js'
import { DeadLetterRing } from './dead-letters.js'
import { DeviceLifecycle } from './device-lifecycle.js'
import type { TelemetryRules } from './handlers/telemetry.js'
import { OversizeMarker } from './frame-limit.js'
import { LogLimiter } from './log-limiter.js'
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js'
import type { PublishGateDeps } from './publish.js'
import { DeviceRateLimiter } from './rate-limit.js'
import { RedeliveryMemory } from './redelivery.js'
import { RefusalRecorder } from './refusals.js'
import type { GatewayDeps, GatewayStats } from './types.js'

/**
 * What the embedded broker and the external-broker client share: metrics, dead letters,
 * refusal logging, device lifecycle and liveness, redelivery memory, the rate limit, the
 * counters and the dead letters. Each front end supplies only how messages arrive.
 */
export class GatewayCore {
  readonly deps: GatewayDeps
  readonly logger: Logger
  readonly clock: Clock
  readonly metrics: GatewayMetrics
  readonly deadLetters = new DeadLetterRing()
  readonly refusals: RefusalRecorder
  readonly lifecycle: DeviceLifecycle
  readonly marker = new OversizeMarker()
  readonly #rateLimiter: DeviceRateLimiter
  readonly #throttleLog: LogLimiter
  readonly #redeliveries = new RedeliveryMemory()
  #messagesAccepted = 0
  #readingsAccepted = 0

  constructor(deps: GatewayDeps, connectedDevices: () => number) {
    this.deps = deps
    const { mqtt } = deps.config
    // The composition root may already have bound module=gateway; binding it twice duplicates the key.
    const bound = deps.logger.bindings().module === 'gateway'
    this.logger = bound ? deps.logger : deps.logger.child({ module: 'gateway' })
    this.clock = deps.clock ?? systemClock
    this.metrics = createGatewayMetrics(deps.metrics, {
      connectedDevices, silentDevices: () => this.lifecycle.silentCount,
    })
    this.refusals = new RefusalRecorder({
      ring: this.deadLetters, metrics: this.metrics, logger: this.logger, clock: this.clock,
      logIntervalMs: mqtt.refusalLogIntervalMs,
    })
    this.lifecycle = new DeviceLifecycle({
      fleet: deps.fleet, clock: this.clock, logger: this.logger, mqtt, onDeviceEvent: deps.onDeviceEvent,
    })
    this.#rateLimiter = new DeviceRateLimiter({ perSecond: mqtt.maxMessagesPerSecond, burst: mqtt.messageBurst })
    this.#throttleLog = new LogLimiter(mqtt.refusalLogIntervalMs)
  }

  /** Everything the message handlers need; `throttle` is off (always true) unless given. */
  publishDeps(options: { brokerId: () => string, throttle?: PublishGateDeps['throttle'] }): PublishGateDeps {
    const { lifecycle } = this
    return {
      fleet: this.deps.fleet,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
      refusals: this.refusals,
      rules: telemetryRules(this.deps.config.mqtt),
      maxMessageBytes: this.deps.config.mqtt.maxMessageBytes,
      marker: this.marker,
      redeliveries: this.#redeliveries,
      brokerId: options.brokerId,
      throttle: options.throttle ?? (() => true),
      onReadings: this.deps.onReadings,
      onTelemetryAccepted: (device, arrivedAt) => lifecycle.telemetryAccepted(device, arrivedAt),
      onStatus: (device, status, time, origin) => lifecycle.statusReported(device, status, time, origin),
      onDeviceEvent: (event) => lifecycle.emit(event),
      onAccepted: (readings) => {
        this.#messagesAccepted++
        this.#readingsAccepted += readings
      },
    }
  }

  /** Holds a device's message until its rate limit allows it; false when `stopping` aborted. */
  /** Synchronous when no wait is due (nearly always), so a message within the rate costs no promise. */
  throttle(deviceId: string, stopping: AbortSignal): boolean | Promise<boolean> {
    const waitMs = this.#rateLimiter.delayFor(deviceId, performance.now())
    if (waitMs <= 0) return !stopping.aborted
    return this.#wait(deviceId, waitMs, stopping)
  }

  async #wait(deviceId: string, waitMs: number, stopping: AbortSignal): Promise<boolean> {
    this.metrics.throttled.inc()
    const admitted = this.#throttleLog.admit(deviceId, this.clock.now())
    if (admitted !== null) {
      const { maxMessagesPerSecond } = this.deps.config.mqtt
      this.logger.warn({ deviceId, maxMessagesPerSecond, suppressed: admitted.suppressed }, 'device throttled')
    }
    try {
      await sleep(waitMs, undefined, { signal: stopping })
    } catch {
      // The only rejection is the abort on stop(): the message is left unacknowledged.
      return false
    }
    return true
  }

  stats(connectedDevices: number): GatewayStats {
    return {
      connectedDevices,
      messagesAccepted: this.#messagesAccepted,
      readingsAccepted: this.#readingsAccepted,
      rejected: this.refusals.count,
      silentDevices: this.lifecycle.silentCount,
    }
  }

  /** Forgets per-run state (rate buckets, log suppression, redeliveries) when the gateway stops. */
  reset(): void {
    this.#rateLimiter.clear()
    this.#throttleLog.clear()
    this.#redeliveries.clear()
    this.refusals.reset()
  }
}

function telemetryRules(mqtt: GatewayDeps['config']['mqtt']): TelemetryRules {
  return {
    window: { maxFutureMs: mqtt.maxFutureMs, maxPastMs: mqtt.maxPastMs },
    maxEntriesPerBatch: mqtt.maxEntriesPerBatch,
    maxMetricsPerEntry: mqtt.maxMetricsPerEntry,
  }
}
