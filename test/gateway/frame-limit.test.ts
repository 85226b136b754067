import { Duplex } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PREVIEW_BYTES } from '../../gateway/dead-letters.js'
import { FrameFilter, limitInbound, OversizeMarker } from '../../gateway/frame-limit.js'
import { connectFrame, DISCONNECT, publishFrame, publishHead } from './raw-mqtt.js'
import { feedInCuts } from './feed-in-cuts.js'

const LIMIT = 100

/** Feeds the bytes in chunks of `size` and collects what the filter lets through. */
function filter(bytes: Buffer, size: number, marker = new OversizeMarker()): Promise<Buffer> {
  return filterCut(bytes, [size], marker)
}

/** Feeds the bytes in chunks of the given sizes, repeated in turn, and collects what passes. */
function filterCut(bytes: Buffer, sizes: number[], marker: OversizeMarker): Promise<Buffer> {
  return feedInCuts(new FrameFilter({ maxPayloadBytes: LIMIT, marker }), bytes, sizes)
}

const CHUNK_SIZES = [1, 2, 3, 7, 64, 100_000]

describe('FrameFilter', () => {
  it.each(CHUNK_SIZES)('passes packets within the limit unchanged, in chunks of %i bytes', async (size) => {
    const bytes = Buffer.concat([
      connectFrame('dev-1', 'dev-1', 'secret'),
      publishFrame({ topic: 't', payload: 'x'.repeat(LIMIT), qos: 1, messageId: 9 }),
      publishFrame({ topic: 'a/b', payload: '' }),
      DISCONNECT,
    ])

    expect((await filter(bytes, size)).equals(bytes)).toBe(true)
  })

  it.each(CHUNK_SIZES)('replaces an oversized payload with a stand-in, in chunks of %i bytes', async (size) => {
    const marker = new OversizeMarker()
    const payload = Buffer.from('y'.repeat(5000))
    const big = { topic: 'dev/telemetry', payload, qos: 1 as const, messageId: 300, retain: true }
    const after = publishFrame({ topic: 'next', payload: '{}' })

    const out = await filter(Buffer.concat([publishFrame(big), after]), size, marker)

    const standIn = marker.encode(5000, payload.subarray(0, 2048))
    expect(out.equals(Buffer.concat([publishFrame({ ...big, payload: standIn }), after]))).toBe(true)
  })

  it('keeps a QoS 0 PUBLISH (no packet id) framed correctly when replacing its payload', async () => {
    const marker = new OversizeMarker()
    const out = await filter(publishFrame({ topic: 't', payload: 'z'.repeat(LIMIT + 1) }), 5, marker)

    expect(out.equals(publishFrame({ topic: 't', payload: marker.encode(LIMIT + 1, Buffer.from('z'.repeat(LIMIT + 1))) })))
      .toBe(true)
  })

  it('passes a PUBLISH whose topic, not payload, makes it large', async () => {
    const bytes = publishFrame({ topic: 't'.repeat(300), payload: 'p'.repeat(LIMIT), qos: 1, messageId: 2 })

    expect((await filter(bytes, 11)).equals(bytes)).toBe(true)
  })

  it('closes the stream on a control packet over the limit, before reading its body', async () => {
    const head = Buffer.concat([Buffer.from([0x82]), Buffer.from([0x81, 0x80, 0x80, 0x01])])

    // 0x81 0x80 0x80 0x01 announces 1 + 128^3 bytes, over MAX_CONTROL_PACKET_BYTES.
    await expect(filter(head, 64)).rejects.toMatchObject({ code: 'FW_ERR_GW_PACKET_TOO_LARGE' })
  })

  it('never holds an oversized payload: 50 MB pass as a stand-in', async () => {
    const marker = new OversizeMarker()
    const stream = new FrameFilter({ maxPayloadBytes: LIMIT, marker })
    const out: Buffer[] = []
    stream.on('data', (chunk: Buffer) => out.push(chunk))
    const ended = new Promise((resolve) => stream.once('end', resolve))
    const total = 50 * 1024 * 1024
    stream.write(publishHead({ topic: 't', payload: '', qos: 0 }, total))
    const block = Buffer.alloc(1024 * 1024, 0x61)
    for (let i = 0; i < 50; i++) stream.write(block)
    stream.end()
    await ended

    const output = Buffer.concat(out)
    // Fixed header (3 bytes) and topic (3 bytes) come before the stand-in payload.
    expect(output.length).toBeLessThan(4096)
    expect(marker.decode(output.subarray(6))?.payloadBytes).toBe(total)
  })

  it('passes a chunk of whole packets within the limit as one piece', async () => {
    const stream = new FrameFilter({ maxPayloadBytes: LIMIT, marker: new OversizeMarker() })
    const pieces: Buffer[] = []
    stream.on('data', (piece: Buffer) => pieces.push(piece))
    const frames = Array.from({ length: 50 }, (_, i) => publishFrame({ topic: 't', payload: `{"v":${i}}`, qos: 1, messageId: i + 1 }))
    const chunk = Buffer.concat(frames)
    stream.end(chunk)
    await new Promise((resolve) => stream.once('end', resolve))

    expect(pieces).toHaveLength(1)
    expect(pieces[0]?.equals(chunk)).toBe(true)
  })

  it('gives every packet its expected form however the stream is cut (property)', async () => {
    const marker = new OversizeMarker()
    const packet = fc.record({
      topic: fc.string({ minLength: 1, maxLength: 300 }).map((t) => t.replace(/[#+]/g, 'x')),
      size: fc.oneof(fc.integer({ min: 0, max: LIMIT }), fc.integer({ min: LIMIT + 1, max: 20_000 })),
      qos: fc.constantFrom(0 as const, 1 as const),
    })
    await fc.assert(fc.asyncProperty(
      fc.array(packet, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1 }),
      async (packets, cuts) => {
        const input: Buffer[] = []
        const expected: Buffer[] = []
        packets.forEach(({ topic, size, qos }, i) => {
          const payload = Buffer.alloc(size, 0x61 + (i % 26))
          const options = { topic, payload, qos, ...(qos === 1 ? { messageId: i + 1 } : {}) }
          input.push(publishFrame(options))
          const kept = size <= LIMIT ? payload : marker.encode(size, payload.subarray(0, PREVIEW_BYTES))
          expected.push(publishFrame({ ...options, payload: kept }))
        })
        const out = await filterCut(Buffer.concat(input), cuts, marker)
        expect(out.equals(Buffer.concat(expected))).toBe(true)
      },
    ), { numRuns: 300 })
  })

  it('recognises only its own stand-ins', () => {
    const mine = new OversizeMarker()
    const other = new OversizeMarker()

    expect(mine.decode(other.encode(10, Buffer.from('ab')))).toBeNull()
    expect(mine.decode(mine.encode(10, Buffer.from('ab')))).toEqual({ payloadBytes: 10, preview: Buffer.from('ab') })
  })
})

/** A socket stand-in that records each write it is handed: one entry per system call it would make. */
class RecordingSocket extends Duplex {
  readonly calls: string[][] = []

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.calls.push([chunk.toString()])
    callback()
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: () => void): void {
    this.calls.push(chunks.map(({ chunk }) => chunk.toString()))
    callback()
  }
}

/** Ends the test's connection as aedes does, without an error. */
function close(connection: Duplex): void {
  connection.destroy()
}

/** The errors a connection reports until it has closed. */
function errorsUntilClosed(connection: Duplex): Promise<Error[]> {
  const errors: Error[] = []
  connection.on('error', (err: Error) => errors.push(err))
  return new Promise((resolve) => connection.once('close', () => resolve(errors)))
}

describe('limitInbound', () => {
  it('hands the socket everything written while corked in one write (PUBACKs of a group commit)', async () => {
    const socket = new RecordingSocket()
    const connection = limitInbound(socket, { maxPayloadBytes: LIMIT, marker: new OversizeMarker() })

    // As mqtt-packet writes each packet: cork, write its pieces, uncork on the next tick.
    for (const packet of ['ack-1', 'ack-2', 'ack-3']) {
      connection.cork()
      connection.write(`${packet}:head`)
      connection.write(`${packet}:id`)
      process.nextTick(() => connection.uncork())
    }
    await new Promise((resolve) => setImmediate(resolve))

    expect(socket.calls).toEqual([[
      'ack-1:head', 'ack-1:id', 'ack-2:head', 'ack-2:id', 'ack-3:head', 'ack-3:id',
    ]])
    close(connection)
  })

  it('still writes at once when nothing corked it', async () => {
    const socket = new RecordingSocket()
    const connection = limitInbound(socket, { maxPayloadBytes: LIMIT, marker: new OversizeMarker() })

    connection.write('connack')
    await new Promise((resolve) => setImmediate(resolve))

    expect(socket.calls).toEqual([['connack']])
    close(connection)
  })

  it('closes without an error when closed without one (aedes on a clean DISCONNECT)', async () => {
    const socket = new RecordingSocket()
    const connection = limitInbound(socket, { maxPayloadBytes: LIMIT, marker: new OversizeMarker() })
    const errors = errorsUntilClosed(connection)

    connection.destroy()

    expect(await errors).toEqual([])
    expect(socket.destroyed).toBe(true)
  })

  it('still reports the error it was closed with', async () => {
    const socket = new RecordingSocket()
    const connection = limitInbound(socket, { maxPayloadBytes: LIMIT, marker: new OversizeMarker() })
    const errors = errorsUntilClosed(connection)
    const reset = new Error('read ECONNRESET')

    connection.destroy(reset)

    expect(await errors).toEqual([reset])
  })
})
