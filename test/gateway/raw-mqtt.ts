import { connect as connectTcp, type Socket } from 'node:net'

/*
 * MQTT 3.1.1 packets written byte by byte, for what a library client will not do on
 * request: resend a PUBLISH with the DUP flag, announce a huge packet, split frames.
 */

export interface PublishFrame {
  topic: string
  payload: Buffer | string
  qos?: 0 | 1 | 2
  messageId?: number
  dup?: boolean
  retain?: boolean
}

function remainingLength(length: number): Buffer {
  const bytes: number[] = []
  let left = length
  do {
    let digit = left % 128
    left = Math.floor(left / 128)
    if (left > 0) digit |= 0x80
    bytes.push(digit)
  } while (left > 0)
  return Buffer.from(bytes)
}

function utf8Field(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  const length = Buffer.alloc(2)
  length.writeUInt16BE(bytes.length)
  return Buffer.concat([length, bytes])
}

function frame(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first]), remainingLength(body.length), body])
}

export function connectFrame(clientId: string, username: string, password: string): Buffer {
  const header = Buffer.concat([utf8Field('MQTT'), Buffer.from([4, 0xc2, 0, 60])])
  return frame(0x10, Buffer.concat([header, utf8Field(clientId), utf8Field(username), utf8Field(password)]))
}

/** The fixed header and variable header of a PUBLISH, without its payload. */
export function publishHead(options: PublishFrame, payloadBytes: number): Buffer {
  const qos = options.qos ?? 0
  const first = 0x30 | (options.dup === true ? 0x08 : 0) | (qos << 1) | (options.retain === true ? 1 : 0)
  const id = Buffer.alloc(qos > 0 ? 2 : 0)
  if (qos > 0) id.writeUInt16BE(options.messageId ?? 1)
  const variable = Buffer.concat([utf8Field(options.topic), id])
  return Buffer.concat([Buffer.from([first]), remainingLength(variable.length + payloadBytes), variable])
}

export function publishFrame(options: PublishFrame): Buffer {
  const payload = Buffer.from(options.payload)
  return Buffer.concat([publishHead(options, payload.length), payload])
}

export const DISCONNECT = Buffer.from([0xe0, 0])

export interface InboundPacket {
  type: number
  body: Buffer
}

/** A TCP connection that writes raw bytes and reads the broker's packets. */
export class RawClient {
  readonly socket: Socket
  readonly packets: InboundPacket[] = []
  #buffer = Buffer.alloc(0)
  #waiters: Array<() => void> = []

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => this.#read(chunk))
    socket.on('close', () => this.#wake())
  }

  static async open(port: number): Promise<RawClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connectTcp(port, '127.0.0.1', () => resolve(s))
      s.once('error', reject)
    })
    return new RawClient(socket)
  }

  /** Connects and resolves with the CONNACK return code. */
  async connect(clientId: string, username: string, password: string): Promise<number> {
    this.socket.write(connectFrame(clientId, username, password))
    const connack = await this.next(2)
    return connack.body[1] ?? -1
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** Packet ids of the PUBACKs received so far. */
  pubacks(): number[] {
    return this.packets.filter((p) => p.type === 4).map((p) => p.body.readUInt16BE(0))
  }

  /** Resolves when the broker has sent `count` PUBACKs in all. */
  async waitForPubacks(count: number): Promise<number[]> {
    while (this.pubacks().length < count) await this.#wait()
    return this.pubacks()
  }

  /** The first packet of a type not yet consumed. */
  async next(type: number): Promise<InboundPacket> {
    for (;;) {
      const index = this.packets.findIndex((p) => p.type === type)
      if (index >= 0) return this.packets.splice(index, 1)[0] as InboundPacket
      await this.#wait()
    }
  }

  get isClosed(): boolean {
    return this.socket.destroyed
  }

  async waitClosed(): Promise<void> {
    while (!this.socket.destroyed) await this.#wait()
  }

  close(): void {
    this.socket.destroy()
  }

  #wait(): Promise<void> {
    if (this.socket.destroyed) return Promise.reject(new Error('connection closed'))
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    for (;;) {
      const packet = readPacket(this.#buffer)
      if (packet === null) break
      this.packets.push(packet.packet)
      this.#buffer = this.#buffer.subarray(packet.used)
    }
    this.#wake()
  }
}

function readPacket(buffer: Buffer): { packet: InboundPacket, used: number } | null {
  if (buffer.length < 2) return null
  let length = 0
  let multiplier = 1
  let offset = 1
  for (;;) {
    const byte = buffer[offset]
    if (byte === undefined) return null
    length += (byte & 0x7f) * multiplier
    multiplier *= 128
    offset++
    if ((byte & 0x80) === 0) break
  }
  if (buffer.length < offset + length) return null
  const type = (buffer[0] ?? 0) >> 4
  return { packet: { type, body: buffer.subarray(offset, offset + length) }, used: offset + length }
}
