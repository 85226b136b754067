import { createServer, type AddressInfo } from 'node:net'
import { Aedes, type AuthenticateError } from 'aedes'

/** One message a device published, as the broker received it. */
export interface ReceivedMessage {
  topic: string
  payload: string
  qos: number
  retain: boolean
}

export interface TestBroker {
  url: string
  /** Device messages (under forewarn/), in arrival order. */
  messages: ReceivedMessage[]
  /** Client ids whose credentials were accepted. */
  authenticated: string[]
  close(): Promise<void>
}

/**
 * A real aedes broker over TCP on a free port that accepts exactly the given username/secret
 * pairs, the way the gateway does, without depending on the gateway.
 */
export async function startTestBroker(credentials: Record<string, string>): Promise<TestBroker> {
  const messages: ReceivedMessage[] = []
  const authenticated: string[] = []
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const isValid = username !== undefined && credentials[username] === password?.toString()
      if (!isValid) {
        done(Object.assign(new Error('bad username or password'), { returnCode: 4 }) as AuthenticateError, false)
        return
      }
      authenticated.push(client.id)
      done(null, true)
    },
  })
  broker.on('publish', (packet, client) => {
    if (client === null || !packet.topic.startsWith('forewarn/')) return
    messages.push({ topic: packet.topic, payload: packet.payload.toString(), qos: packet.qos, retain: packet.retain })
  })

  const server = createServer(broker.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `mqtt://127.0.0.1:${port}`,
    messages,
    authenticated,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
    },
  }
}

export interface TelemetryPayload {
  ts: number
  metrics: Record<string, number>
}

/** Telemetry payloads of one device, parsed, in arrival order. */
export function telemetryOf(broker: TestBroker, deviceId: string): TelemetryPayload[] {
  const topic = `forewarn/v1/devices/${deviceId}/telemetry`
  return broker.messages
    .filter((message) => message.topic === topic)
    .map((message) => JSON.parse(message.payload) as TelemetryPayload)
}

/** A port nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
