import { describe, expect, it } from 'vitest'
import { deviceTopic, hashSecret, parseDeviceTopic, verifySecret } from '../../core/index.js'

describe('hashSecret / verifySecret', () => {
  it('accepts the right secret and refuses a wrong or malformed one', () => {
    const stored = hashSecret('s3cret')
    expect([verifySecret('s3cret', stored), verifySecret('s3cret!', stored), verifySecret('s3cret', 'plain')])
      .toEqual([true, false, false])
  })

  it('salts each hash', () => {
    expect(hashSecret('same')).not.toBe(hashSecret('same'))
  })
})

describe('device topics', () => {
  it('round-trips a device topic', () => {
    expect(parseDeviceTopic(deviceTopic('dev-1', 'telemetry'))).toEqual({ deviceId: 'dev-1', kind: 'telemetry' })
  })

  it('rejects foreign roots, unknown kinds and extra levels', () => {
    const topics = ['other/v1/devices/d/telemetry', 'forewarn/v1/devices/d/config', 'forewarn/v1/devices/d/telemetry/x', 'forewarn/v1/devices//status']
    expect(topics.map(parseDeviceTopic)).toEqual([null, null, null, null])
  })
})
