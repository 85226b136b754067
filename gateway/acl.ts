import { TOPIC_ROOT, type DeviceTopicKind } from '../core/index.js'

/*
 * Topic ACL. A device owns exactly the topics under its own id (core/topics.ts). Fleet ids
 * cannot contain '/', '+' or '#', so a prefix check on the id level is exact.
 */

const SLASH = 0x2f
const KINDS: readonly DeviceTopicKind[] = ['telemetry', 'status', 'events']

/**
 * The kind of the device's own topic it publishes to; null for any other topic. Runs on
 * every message, so it compares in place rather than splitting the topic (which made an
 * array and five strings per message): `<root>/<deviceId>/` and then exactly one kind.
 */
export function publishKind(deviceId: string, topic: string): DeviceTopicKind | null {
  const idAt = TOPIC_ROOT.length + 1
  const kindAt = idAt + deviceId.length + 1
  if (!topic.startsWith(TOPIC_ROOT) || topic.charCodeAt(idAt - 1) !== SLASH) return null
  if (!topic.startsWith(deviceId, idAt) || topic.charCodeAt(kindAt - 1) !== SLASH) return null
  for (const kind of KINDS) {
    if (topic.length === kindAt + kind.length && topic.startsWith(kind, kindAt)) return kind
  }
  return null
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
