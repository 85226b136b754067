import { TOPIC_ROOT, parseDeviceTopic, type DeviceTopicKind } from '../core/index.js'

/*
 * Topic ACL. A device owns exactly the topics under its own id (core/topics.ts). Fleet ids
 * cannot contain '/', '+' or '#', so a prefix check on the id level is exact.
 */

/** The kind of the device's own topic it publishes to; null for any other topic. */
export function publishKind(deviceId: string, topic: string): DeviceTopicKind | null {
  const parsed = parseDeviceTopic(topic)
  if (parsed === null || parsed.deviceId !== deviceId) return null
  return parsed.kind
}

/**
 * Whether a subscription filter can only ever match the device's own topics. A wildcard at
 * or above the device-id level (`forewarn/v1/devices/+/...`, `#`) could match another
 * device's topics, so it is refused as a whole.
 */
export function canSubscribe(deviceId: string, filter: string): boolean {
  return filter.startsWith(`${TOPIC_ROOT}/${deviceId}/`)
}

/** The topics a device may publish to, for refusal details. */
export function ownTopicsHint(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/{telemetry,status,events}`
}
