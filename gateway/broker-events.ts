import type { Aedes, AedesPublishPacket, Client, ConnackPacket, Subscription } from 'aedes'
import type { Logger } from '../core/index.js'
import { DeviceAuthError } from './errors.js'

/*
 * Every log line the gateway writes for an aedes event, in one place (house style, rule 18).
 * Levels: a device coming or going is a lifecycle event (info); a refused login is a
 * handled degraded state (warn); per-packet flow is debug; a broker-level failure is error.
 */

/** Subscribes the log lines to the broker's events; returns the function that removes them. */
export function logBrokerEvents(aedes: Aedes, logger: Logger): () => void {
  const listeners: Array<[string, (...args: never[]) => void]> = [
    ['clientReady', (client: Client) => {
      logger.info({ deviceId: client.id, remoteAddress: remoteAddress(client) }, 'device connected')
    }],
    ['clientDisconnect', (client: Client) => {
      logger.info({ deviceId: client.id }, 'device disconnected')
    }],
    ['clientError', (client: Client, err: Error) => { logClientError(logger, client, err) }],
    ['connectionError', (client: Client, err: Error) => {
      logger.info({ remoteAddress: remoteAddress(client), err }, 'connection failed before connect')
    }],
    ['keepaliveTimeout', (client: Client) => {
      logger.info({ deviceId: client.id }, 'device keepalive timed out')
    }],
    ['connackSent', (packet: ConnackPacket, client: Client) => {
      logger.debug({ deviceId: client.id, code: packet.returnCode }, 'connack sent')
    }],
    ['subscribe', (subscriptions: Subscription[], client: Client) => {
      logger.debug({ deviceId: client.id, topics: subscriptions.map((s) => s.topic) }, 'device subscribed')
    }],
    ['publish', (packet: AedesPublishPacket, client: Client | null) => {
      if (client === null || !logger.isLevelEnabled('debug')) return
      logger.debug({ deviceId: client.id, topic: packet.topic, qos: packet.qos }, 'device message routed')
    }],
    // aedes emits 'error' for persistence failures; without a listener Node would throw it.
    ['error', (err: Error) => { logger.error({ err }, 'broker failed') }],
    ['closed', () => { logger.info({}, 'broker closed') }],
  ]

  for (const [event, listener] of listeners) aedes.on(event as 'closed', listener as () => void)
  return () => {
    for (const [event, listener] of listeners) aedes.removeListener(event, listener as () => void)
  }
}

function logClientError(logger: Logger, client: Client, err: Error): void {
  if (err instanceof DeviceAuthError) {
    const { code, reason } = err
    const deviceId = err.details?.deviceId
    const fields = { deviceId, clientId: client.id, remoteAddress: remoteAddress(client), code, reason }
    logger.warn(fields, 'device authentication failed')
    return
  }
  // Resets, protocol violations and handoff failures: the connection is gone, the device reconnects.
  logger.info({ deviceId: client.id, err }, 'device connection closed on error')
}

function remoteAddress(client: Client): string | undefined {
  return 'remoteAddress' in client.conn ? client.conn.remoteAddress : undefined
}
