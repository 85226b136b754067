import { Counter, Gauge } from 'prom-client'
import type { Registry } from '../core/index.js'

/** Topic kinds of messagesReceived. */
export type ReceivedKind = 'telemetry' | 'status' | 'events' | 'other'

/**
 * Counts bumped on every message as plain numbers and handed to prom-client at scrape time:
 * a labelled `inc()` hashes its labels on each call, about 2 % of the pipeline's CPU at full
 * load (ingest benchmark profile).
 */
export class HotCounts {
  readonly received: Record<ReceivedKind, number> = { telemetry: 0, status: 0, events: 0, other: 0 }
  readingsAccepted = 0
}

export interface GatewayMetrics {
  hot: HotCounts
  authFailures: Counter<'reason'>
  rejected: Counter<'reason'>
  handoffFailures: Counter
  redeliveries: Counter
  throttled: Counter
  retainedIgnored: Counter
}

/** Values read at scrape time. */
export interface GatewayGauges {
  connectedDevices: () => number
  silentDevices: () => number
}

/** Registers the gateway's metrics on the service's registry. */
export function createGatewayMetrics(registry: Registry, gauges: GatewayGauges): GatewayMetrics {
  const registers = [registry]
  // Label series appear with their first occurrence (no zero-initialised reasons), so a scrape
  // lists only the reasons that happened.
  new Gauge({
    name: 'forewarn_gateway_connected_devices',
    help: 'Devices with an authenticated MQTT connection',
    registers,
    collect() { this.set(gauges.connectedDevices()) },
  })
  new Gauge({
    name: 'forewarn_gateway_silent_devices',
    help: 'Devices silent for longer than their expected interval',
    registers,
    collect() { this.set(gauges.silentDevices()) },
  })
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> =>
    new Counter({ name, help, labelNames, registers })
  const hot = new HotCounts()
  new Counter({
    name: 'forewarn_gateway_messages_received_total',
    help: 'PUBLISH packets from authenticated devices, by topic kind',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset()
      for (const [kind, count] of Object.entries(hot.received)) if (count > 0) this.inc({ kind }, count)
    },
  })
  new Counter({
    name: 'forewarn_gateway_readings_accepted_total',
    help: 'Readings handed on after validation',
    registers,
    collect() {
      this.reset()
      this.inc(hot.readingsAccepted)
    },
  })
  return {
    hot,
    authFailures: counter('forewarn_gateway_auth_failures_total', 'Refused MQTT CONNECTs, by reason', ['reason']),
    rejected: counter('forewarn_gateway_rejected_total',
      'Refused messages, metrics and subscriptions, by reason (each also a dead letter)', ['reason']),
    handoffFailures: counter('forewarn_gateway_handoff_failures_total',
      'Telemetry messages whose readings could not be handed on (left unacknowledged)'),
    redeliveries: counter('forewarn_gateway_redeliveries_skipped_total',
      'QoS 1/2 messages sent again (DUP) after being acknowledged; acknowledged again, not handled twice'),
    throttled: counter('forewarn_gateway_throttled_total',
      'Messages held back by the per-device rate limit before being handled'),
    retainedIgnored: counter('forewarn_gateway_retained_ignored_total',
      'External broker mode: retained messages delivered on subscribing, ignored as history'),
  }
}
