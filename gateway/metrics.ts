import { Counter, Gauge } from 'prom-client'
import type { Registry } from '../core/index.js'

export interface GatewayMetrics {
  messagesReceived: Counter<'kind'>
  readingsAccepted: Counter
  authFailures: Counter<'reason'>
  rejected: Counter<'reason'>
  handoffFailures: Counter
}

/** Registers the gateway's metrics on the service's registry; `connectedDevices` is read at scrape time. */
export function createGatewayMetrics(registry: Registry, connectedDevices: () => number): GatewayMetrics {
  const registers = [registry]
  // Label series appear with their first occurrence (no zero-initialised reasons), so a scrape
  // lists only the reasons that happened.
  new Gauge({
    name: 'forewarn_gateway_connected_devices',
    help: 'Devices with an authenticated MQTT connection',
    registers,
    collect() { this.set(connectedDevices()) },
  })
  return {
    messagesReceived: new Counter({
      name: 'forewarn_gateway_messages_received_total',
      help: 'PUBLISH packets from authenticated devices, by topic kind',
      labelNames: ['kind'],
      registers,
    }),
    readingsAccepted: new Counter({
      name: 'forewarn_gateway_readings_accepted_total',
      help: 'Readings handed on after validation',
      registers,
    }),
    authFailures: new Counter({
      name: 'forewarn_gateway_auth_failures_total',
      help: 'Refused MQTT CONNECTs, by reason',
      labelNames: ['reason'],
      registers,
    }),
    rejected: new Counter({
      name: 'forewarn_gateway_rejected_total',
      help: 'Refused messages, metrics and subscriptions, by reason (each also a dead letter)',
      labelNames: ['reason'],
      registers,
    }),
    handoffFailures: new Counter({
      name: 'forewarn_gateway_handoff_failures_total',
      help: 'Telemetry messages whose readings could not be handed on (left unacknowledged)',
      registers,
    }),
  }
}
