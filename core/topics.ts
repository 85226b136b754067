/**
 * MQTT topic contract. Every device topic lives under its own id, which is what the
 * gateway's ACL checks:
 *   forewarn/v1/devices/<deviceId>/telemetry   JSON readings (see gateway telemetry schema)
 *   forewarn/v1/devices/<deviceId>/status      retained "online"/"offline" (also the last will)
 *   forewarn/v1/devices/<deviceId>/events      device-reported fault codes
 */
export const TOPIC_ROOT = 'forewarn/v1/devices'

export type DeviceTopicKind = 'telemetry' | 'status' | 'events'
const KINDS: ReadonlySet<string> = new Set(['telemetry', 'status', 'events'])

export function deviceTopic(deviceId: string, kind: DeviceTopicKind): string {
  return `${TOPIC_ROOT}/${deviceId}/${kind}`
}

/** Parses a device topic; null when the topic is not one of ours. */
export function parseDeviceTopic(topic: string): { deviceId: string, kind: DeviceTopicKind } | null {
  const parts = topic.split('/')
  if (parts.length !== 5) return null
  const [root, version, devices, deviceId, kind] = parts
  if (`${root}/${version}/${devices}` !== TOPIC_ROOT) return null
  if (deviceId === undefined || deviceId === '' || kind === undefined || !KINDS.has(kind)) return null
  return { deviceId, kind: kind as DeviceTopicKind }
}
