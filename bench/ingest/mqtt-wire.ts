import { connect, type Socket } from 'node:net'

/**
 * A bare MQTT 3.1.1 client for load generation: CONNECT, QoS 1 PUBLISH and PUBACK, nothing
 * else. A full client (mqtt.js) spends more CPU per message than the broker does, which on a
 * 2-core machine would measure the generator instead of Forewarn.
 */
export interface WireOptions {
  host: string
  port: number
  clientId: string
  username: string
  password: string
  /** Called with each acknowledged packet id. */
  onPuback: (packetId: number) => void
  onClose: () => void
}

function utf8(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  const out = Buffer.allocUnsafe(2 + bytes.length)
  out.writeUInt16BE(bytes.length, 0)
  bytes.copy(out, 2)
  return out
}

function remainingLength(length: number): Buffer {
  const bytes: number[] = []
  let rest = length
  do {
    let byte = rest % 128
    rest = Math.floor(rest / 128)
    if (rest > 0) byte |= 0x80
    bytes.push(byte)
  } while (rest > 0)
  return Buffer.from(bytes)
}

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body])
}

function connectPacket(options: WireOptions): Buffer {
  // Protocol "MQTT" level 4; flags: user name, password, clean session; keep-alive 0 (off).
  const header = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0xc2, 0, 0])
  const body = Buffer.concat([header, utf8(options.clientId), utf8(options.username), utf8(options.password)])
  return packet(0x10, body)
}

/** PUBLISH, QoS 1: topic, packet id, payload. */
export function publishPacket(topic: Buffer, packetId: number, payload: Buffer): Buffer {
  const id = Buffer.from([packetId >> 8, packetId & 0xff])
  const head = Buffer.from([0x32])
  const length = remainingLength(topic.length + 2 + payload.length)
  return Buffer.concat([head, length, topic, id, payload])
}

/** The topic as PUBLISH carries it (length-prefixed), encoded once per connection. */
export function encodedTopic(topic: string): Buffer {
  return utf8(topic)
}

/**
 * Connects and resolves once the broker accepted the session (CONNACK 0). Only CONNACK and
 * PUBACK are expected back, both with a one-byte remaining length.
 */
export function connectWire(options: WireOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port, noDelay: true })
    let pending: Buffer = Buffer.alloc(0)
    let isConnected = false
    socket.once('connect', () => socket.write(connectPacket(options)))
    socket.once('error', reject)
    socket.on('close', options.onClose)
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      let offset = 0
      // PUBLISHes sent from the PUBACK callbacks of one read leave in one write.
      socket.cork()
      process.nextTick(() => socket.uncork())
      while (pending.length - offset >= 2) {
        const type = (pending[offset] as number) >> 4
        const length = pending[offset + 1] as number
        if (pending.length - offset < 2 + length) break
        if (type === 4) options.onPuback(pending.readUInt16BE(offset + 2))
        if (type === 2 && !isConnected) {
          isConnected = true
          const code = pending[offset + 3]
          if (code === 0) resolve(socket)
          else reject(new Error(`CONNACK refused the session with code ${code}`))
        }
        offset += 2 + length
      }
      pending = pending.subarray(offset)
    })
  })
}
