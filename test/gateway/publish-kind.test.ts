import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDeviceTopic, TOPIC_ROOT } from '../../core/index.js'
import { publishKind } from '../../gateway/acl.js'

/** The rule publishKind must keep: the topic parses as a device topic of this very device. */
function reference(deviceId: string, topic: string): string | null {
  const parsed = parseDeviceTopic(topic)
  return parsed !== null && parsed.deviceId === deviceId ? parsed.kind : null
}

const deviceIds = fc.stringMatching(/^[a-z0-9._-]{1,12}$/)
const pieces = fc.constantFrom('telemetry', 'status', 'events', 'telemetr', 'telemetryx', '', '/', '+', '#',
  'forewarn', 'v1', 'devices', 'forewarn/v1/devices', 'pump-01', 'pump-0', 'pump-01/telemetry')

describe('publishKind', () => {
  it.each([
    ['pump-01', `${TOPIC_ROOT}/pump-01/telemetry`, 'telemetry'],
    ['pump-01', `${TOPIC_ROOT}/pump-01/status`, 'status'],
    ['pump-01', `${TOPIC_ROOT}/pump-01/events`, 'events'],
    ['pump-01', `${TOPIC_ROOT}/pump-02/telemetry`, null],
    ['pump-01', `${TOPIC_ROOT}/pump-011/telemetry`, null],
    ['pump-011', `${TOPIC_ROOT}/pump-01/telemetry`, null],
    ['pump-01', `${TOPIC_ROOT}/pump-01/telemetry/extra`, null],
    ['pump-01', `${TOPIC_ROOT}/pump-01/telemetryx`, null],
    ['pump-01', `${TOPIC_ROOT}/pump-01/`, null],
    ['pump-01', `${TOPIC_ROOT}xpump-01/telemetry`, null],
    ['pump-01', `forewarn/v2/devices/pump-01/telemetry`, null],
  ])('device %s publishing to %s: %s', (deviceId, topic, kind) => {
    expect(publishKind(deviceId, topic)).toBe(kind)
  })

  it('agrees with parsing the topic for any device id and topic made of near misses', () => {
    fc.assert(fc.property(deviceIds, fc.array(fc.oneof(pieces, deviceIds), { maxLength: 4 }), (deviceId, rest) => {
      const topic = [TOPIC_ROOT, ...rest].join('/')
      expect(publishKind(deviceId, topic)).toBe(reference(deviceId, topic))
      const own = [TOPIC_ROOT, deviceId, ...rest].join('/')
      expect(publishKind(deviceId, own)).toBe(reference(deviceId, own))
    }), { numRuns: 2_000 })
  })
})
