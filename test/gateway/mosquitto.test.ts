import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deviceTopic } from '../../core/index.js'
import {
  counterValue, mosquittoLogin, mosquittoPub, runMosquitto, spawnMosquitto, startGateway, until, type Harness,
} from './harness.js'

const NOW = Date.UTC(2026, 11, 3, 17)
const ELEVATOR = {
  deviceId: 'dev-elev-1', assetId: 'elevator-1', tags: { siteId: 'site-tower', customerId: 'cust-towers', equipmentType: 'elevator' },
}
const TELEMETRY = deviceTopic('dev-elev-1', 'telemetry')
const STATUS = deviceTopic('dev-elev-1', 'status')

describe('gateway with Debian\'s mosquitto_pub and mosquitto_sub as independent clients', () => {
  let harness: Harness
  let login: string[]

  beforeEach(async () => {
    harness = await startGateway({ clock: { now: () => NOW } })
    login = mosquittoLogin(harness.gateway.port, 'dev-elev-1', harness.credentials['dev-elev-1'] ?? '')
  })

  afterEach(async () => {
    await harness.close()
  })

  function pub(message: string, options: { topic?: string, qos?: 0 | 1, retain?: boolean } = {}) {
    const { topic = TELEMETRY, qos = 1, retain = false } = options
    const secret = harness.credentials['dev-elev-1'] ?? ''
    return mosquittoPub({ port: harness.gateway.port, deviceId: 'dev-elev-1', secret, topic, message, qos, retain })
  }

  it('accepts a QoS 1 reading with an ISO 8601 time', async () => {
    const result = await pub('{"ts":"2026-12-03T16:00:00.250+01:00","metrics":{"door_close_time":4.2}}')

    expect(result).toEqual({ code: 0, stderr: '' })
    expect(harness.readings).toEqual([
      { ...ELEVATOR, metric: 'door_close_time', time: Date.UTC(2026, 11, 3, 15, 0, 0, 250), value: 4.2 },
    ])
  })

  it('accepts a QoS 0 batch in ThingsBoard form with epoch seconds', async () => {
    await pub('[{"ts":1764781200,"values":{"motor_temp":40}},{"ts":1764781260,"values":{"motor_temp":41}}]', { qos: 0 })
    await until(() => harness.readings.length === 2)

    expect(harness.readings.map((r) => [r.time, r.value])).toEqual([[1_764_781_200_000, 40], [1_764_781_260_000, 41]])
  })

  it('refuses a bad metric with its reason while storing the good one, and acknowledges the message', async () => {
    const result = await pub('{"motor_temp":41,"door_close_time":""}')

    expect(result.code).toBe(0)
    expect(harness.readings.map((r) => r.metric)).toEqual(['motor_temp'])
    expect(harness.gateway.deadLetters().map((d) => [d.deviceId, d.reason, d.detail])).toEqual([
      ['dev-elev-1', 'value_missing', 'door_close_time: an empty string is no value (it is never read as 0)'],
    ])
  })

  it('reports a retained status once, and mosquitto_sub gets it back flagged as retained', async () => {
    await pub('online', { topic: STATUS, retain: true })

    const sub = await runMosquitto('mosquitto_sub', [...login, '-t', STATUS, '-C', '1', '-W', '10', '-F', '%t %p retained=%r'])

    expect(sub.stdout).toBe(`${STATUS} online retained=1\n`)
    expect(harness.events.filter((e) => e.kind === 'online' || e.kind === 'offline').map((e) => e.kind))
      .toEqual(['online', 'offline', 'online', 'offline'])
  })

  it('does not hand on a retained reading again when it is delivered to a subscriber', async () => {
    await pub('{"motor_temp":40}', { retain: true })

    const sub = await runMosquitto('mosquitto_sub', [...login, '-t', TELEMETRY, '-C', '1', '-W', '10', '-F', '%p retained=%r'])

    expect(sub.stdout).toBe('{"motor_temp":40} retained=1\n')
    expect(harness.readings).toHaveLength(1)
  })

  it('reports the last will of a killed mosquitto_sub as one offline event', async () => {
    const will = ['--will-topic', STATUS, '--will-payload', '{"status":"offline"}', '--will-qos', '1', '--will-retain']
    const sub = spawnMosquitto('mosquitto_sub', [...login, ...will, '-q', '1', '-t', STATUS])
    await until(() => harness.gateway.stats().connectedDevices === 1)

    sub.child.kill('SIGKILL')
    await sub.done
    await until(() => harness.gateway.stats().connectedDevices === 0)

    expect(harness.events).toEqual([{ ...ELEVATOR, kind: 'online', time: NOW }, { ...ELEVATOR, kind: 'offline', time: NOW }])
  })

  it('denies mosquitto_sub a subscription to every device\'s topics, and counts it', async () => {
    const sub = await runMosquitto('mosquitto_sub', [...login, '-t', '#', '-E', '-W', '10'])

    expect(sub.stderr).toMatch(/denied/i)
    expect(await counterValue(harness.registry, 'forewarn_gateway_rejected_total', { reason: 'subscription_not_allowed' })).toBe(1)
  })

  it('refuses mosquitto_pub with a wrong secret and counts it', async () => {
    const result = await mosquittoPub({
      port: harness.gateway.port, deviceId: 'dev-elev-1', secret: 'wrong', topic: TELEMETRY, message: '{"motor_temp":1}',
    })

    expect(result.code).not.toBe(0)
    expect(await counterValue(harness.registry, 'forewarn_gateway_auth_failures_total', { reason: 'secret_invalid' })).toBe(1)
  })
})
