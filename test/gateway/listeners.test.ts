import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import { mosquittoLogin, runMosquitto, startGateway, type Harness } from './harness.js'

const TOPIC = deviceTopic('dev-pump-1', 'telemetry')

describe('gateway TLS and WebSocket listeners', () => {
  let dir: string
  let cert: string
  let key: string
  let harness: Harness

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'forewarn-tls-'))
    cert = join(dir, 'cert.pem')
    key = join(dir, 'key.pem')
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'ignore' })
  })

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  afterEach(async () => {
    await harness.close()
  })

  function secret(): string {
    return harness.credentials['dev-pump-1'] ?? ''
  }

  it('accepts telemetry over TLS from mqtt.js trusting the test\'s certificate', async () => {
    harness = await startGateway({ mqtt: { tlsCertFile: cert, tlsKeyFile: key, tlsPort: 0 } })
    const url = harness.gateway.endpoints().mqtts ?? ''
    const client = await mqtt.connectAsync(url, {
      clientId: 'dev-pump-1', username: 'dev-pump-1', password: secret(), ca: readFileSync(cert), reconnectPeriod: 0,
    })

    await client.publishAsync(TOPIC, '{"flow_rate":7}', { qos: 1 })
    await client.endAsync()

    expect(url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/)
    expect(harness.readings.map((r) => r.value)).toEqual([7])
  })

  it('accepts telemetry over TLS from mosquitto_pub with --cafile', async () => {
    harness = await startGateway({ mqtt: { tlsCertFile: cert, tlsKeyFile: key, tlsPort: 0 } })
    const port = new URL(harness.gateway.endpoints().mqtts ?? '').port
    const login = mosquittoLogin(Number(port), 'dev-pump-1', secret())

    const result = await runMosquitto('mosquitto_pub', [...login, '--cafile', cert, '-q', '1', '-t', TOPIC, '-m', '{"flow_rate":8}'])

    expect(result).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(harness.readings.map((r) => r.value)).toEqual([8])
  })

  it('refuses a TLS client that does not trust the certificate, before any credentials are sent', async () => {
    harness = await startGateway({ mqtt: { tlsCertFile: cert, tlsKeyFile: key, tlsPort: 0 } })
    const client = mqtt.connect(harness.gateway.endpoints().mqtts ?? '', {
      clientId: 'dev-pump-1', username: 'dev-pump-1', password: secret(), reconnectPeriod: 0,
    })

    const error = await new Promise<Error & { code?: unknown }>((resolve) => client.once('error', resolve))
    await client.endAsync(true)

    expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
  })

  it('fails to start with FW_ERR_GW_TLS_INVALID when the certificate cannot be read or is no PEM', async () => {
    harness = await startGateway()
    const missing = startGateway({ mqtt: { tlsCertFile: join(dir, 'missing.pem'), tlsKeyFile: key, tlsPort: 0 } })
    const swapped = startGateway({ mqtt: { tlsCertFile: key, tlsKeyFile: key, tlsPort: 0 } })

    await expect(missing).rejects.toMatchObject({ code: 'FW_ERR_GW_TLS_INVALID' })
    await expect(swapped).rejects.toMatchObject({ code: 'FW_ERR_GW_TLS_INVALID' })
  })

  it('accepts telemetry over WebSocket, and refuses an oversized message there with a PUBACK', async () => {
    harness = await startGateway({ maxMessageBytes: 1024, mqtt: { wsPort: 0 } })
    const url = `${harness.gateway.endpoints().ws ?? ''}/mqtt`
    const client = await mqtt.connectAsync(url, { clientId: 'dev-pump-1', username: 'dev-pump-1', password: secret(), reconnectPeriod: 0 })

    await client.publishAsync(TOPIC, `{"flow_rate":1,"pad":"${'x'.repeat(4096)}"}`, { qos: 1 })
    await client.publishAsync(TOPIC, '{"flow_rate":9}', { qos: 1 })
    await client.endAsync()

    expect(harness.readings.map((r) => r.value)).toEqual([9])
    expect(harness.gateway.deadLetters().map((d) => d.reason)).toEqual(['message_too_large'])
  })
})
