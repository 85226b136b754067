import { connect as connectTcp, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createLogger, createMetricsRegistry, loadConfig } from '../../core/index.js'
import { createGateway, type Gateway } from '../../gateway/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'
import { startGateway } from './harness.js'

function gatewayOn(port: number): Gateway {
  return createGateway({
    config: loadConfig({ env: {}, overrides: { mqtt: { host: '127.0.0.1', port } } }),
    fleet: buildTestFleet().fleet,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    onReadings: async () => undefined,
    onDeviceEvent: () => undefined,
  })
}

describe('gateway lifecycle', () => {
  it('has no port before start', () => {
    expect(() => gatewayOn(0).port).toThrow(expect.objectContaining({ code: 'FW_ERR_GW_NOT_STARTED' }))
  })

  it('fails to start on a port in use with a code naming the setting', async () => {
    const first = gatewayOn(0)
    await first.start()
    const second = gatewayOn(first.port)

    await expect(second.start()).rejects.toMatchObject({ code: 'FW_ERR_GW_LISTEN_FAILED', details: { port: first.port } })
    await first.stop()
  })

  it('closes device connections and silent sockets on stop, without reporting devices offline', async () => {
    const harness = await startGateway()
    const client = await harness.connect('dev-pump-1')
    const silent = await openSocket(harness.gateway.port)
    const silentClosed = new Promise((resolve) => silent.once('close', resolve))
    const clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()))

    await harness.gateway.stop()
    await Promise.all([silentClosed, clientClosed])

    expect(harness.events.map((e) => e.kind)).toEqual(['online'])
    expect(harness.gateway.stats().connectedDevices).toBe(0)
    await client.endAsync(true)
  })
})

/** A TCP connection that never sends CONNECT. */
function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}
