import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FrameFilter, OversizeMarker } from '../../gateway/frame-limit.js'
import type { LanePublish, PublishLane } from '../../gateway/publish-lane.js'
import { publishFrame, type PublishFrame } from './raw-mqtt.js'
import { feedInCuts } from './feed-in-cuts.js'

const LIMIT = 100

/** A lane that takes the topics under `lane/`, answers as told, and records what it was asked. */
class FakeLane implements PublishLane {
  readonly taken: LanePublish[] = []
  readonly settled: Array<{ acks: number[], failure: string | null }> = []
  /** Bytes passed to aedes when each answer came (set by `run`). */
  readonly passedAtSettle: number[] = []
  passedBytes = 0
  /** The outcome of each taken message, by payload text; null (acknowledge) when absent. */
  readonly outcomes = new Map<string, Promise<Error | null>>()

  take(publish: LanePublish): Promise<Error | null> | undefined {
    if (!publish.topic.startsWith('lane/')) return undefined
    this.taken.push(publish)
    return this.outcomes.get(publish.payload.toString()) ?? Promise.resolve(null)
  }

  settle(acks: Buffer | null, failure: Error | null): void {
    const ids: number[] = []
    for (let at = 0; acks !== null && at < acks.length; at += 4) {
      expect([acks[at], acks[at + 1]]).toEqual([0x40, 2])
      ids.push(acks.readUInt16BE(at + 2))
    }
    this.settled.push({ acks: ids, failure: failure?.message ?? null })
    this.passedAtSettle.push(this.passedBytes)
  }
}

/** Writes the bytes in pieces of the given sizes; resolves with what passed to aedes, counted on the lane. */
function run(filter: FrameFilter, bytes: Buffer, sizes: number[], lane?: FakeLane): Promise<Buffer> {
  return feedInCuts(filter, bytes, sizes, (chunk) => {
    if (lane !== undefined) lane.passedBytes += chunk.length
  })
}

function laneFilter(lane: PublishLane): FrameFilter {
  return new FrameFilter({ maxPayloadBytes: LIMIT, marker: new OversizeMarker() }, lane)
}

describe('FrameFilter with a lane', () => {
  it('hands the lane its PUBLISHes and aedes everything else, byte for byte', async () => {
    const lane = new FakeLane()
    const toLane: PublishFrame[] = [
      { topic: 'lane/a', payload: 'one', qos: 1, messageId: 7 },
      { topic: 'lane/a', payload: 'two', qos: 0 },
      { topic: 'lane/a', payload: 'three', qos: 1, messageId: 9, dup: true },
    ]
    const toAedes: PublishFrame[] = [
      { topic: 'other', payload: 'x', qos: 1, messageId: 8 },
      { topic: 'lane/a', payload: 'retained', qos: 1, messageId: 10, retain: true },
      { topic: 'lane/a', payload: 'exactly once', qos: 2, messageId: 11 },
    ]
    const arrival = toLane.flatMap((frame, i) => [frame, toAedes[i] as PublishFrame])
    const bytes = Buffer.concat(arrival.map(publishFrame))

    const passed = await run(laneFilter(lane), bytes, [bytes.length])

    expect(passed.equals(Buffer.concat(toAedes.map(publishFrame)))).toBe(true)
    expect(lane.taken.map((p) => [p.topic, p.qos, p.messageId, p.dup, p.payload.toString()])).toEqual([
      ['lane/a', 1, 7, false, 'one'], ['lane/a', 0, undefined, false, 'two'], ['lane/a', 1, 9, true, 'three'],
    ])
    // PUBACKs of the QoS 1 messages only; each packet for aedes waits for the lane's answers
    // before it, so there is one answer per run of lane messages.
    expect(lane.settled).toEqual([
      { acks: [7], failure: null }, { acks: [], failure: null }, { acks: [9], failure: null },
    ])
  })

  it('gives every packet to the lane or to aedes whole, however the stream is cut (property)', async () => {
    const packet = fc.record({
      isLane: fc.boolean(),
      size: fc.integer({ min: 0, max: LIMIT }),
      qos: fc.constantFrom(0 as const, 1 as const),
      topicBytes: fc.integer({ min: 1, max: 200 }),
    })
    await fc.assert(fc.asyncProperty(
      fc.array(packet, { minLength: 1, maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1 }),
      async (packets, cuts) => {
        const lane = new FakeLane()
        const frames = packets.map(({ isLane, size, qos, topicBytes }, i) => {
          const topic = (isLane ? 'lane/' : 'aedes/') + 't'.repeat(topicBytes)
          const payload = `${i}:`.padEnd(size, 'p')
          return { isLane, frame: { topic, payload, qos, ...(qos === 1 ? { messageId: i + 1 } : {}) } }
        })
        const bytes = Buffer.concat(frames.map(({ frame }) => publishFrame(frame)))

        const passed = await run(laneFilter(lane), bytes, cuts, lane)

        const expectedPassed = frames.filter((f) => !f.isLane).map(({ frame }) => publishFrame(frame))
        expect(passed.equals(Buffer.concat(expectedPassed))).toBe(true)
        const expectedTaken = frames.filter((f) => f.isLane).map(({ frame }) => frame.payload)
        expect(lane.taken.map((p) => p.payload.toString())).toEqual(expectedTaken)
        const acked = lane.settled.flatMap((s) => s.acks)
        expect(acked).toEqual(frames.filter((f) => f.isLane && f.frame.qos === 1).map(({ frame }) => frame.messageId))
        // PUBACKs and aedes' packets keep the arrival order: when a message is acknowledged,
        // exactly the packets for aedes that came before it have passed.
        const aedesBytesBefore = new Map<number, number>()
        let aedesBytes = 0
        for (const { isLane, frame } of frames) {
          if (isLane && frame.messageId !== undefined) aedesBytesBefore.set(frame.messageId, aedesBytes)
          if (!isLane) aedesBytes += publishFrame(frame).length
        }
        lane.settled.forEach(({ acks }, i) => {
          for (const id of acks) expect(lane.passedAtSettle[i]).toBe(aedesBytesBefore.get(id))
        })
      },
    ), { numRuns: 300 })
  })

  it('reads nothing more until the lane answered for every message of the read', async () => {
    const lane = new FakeLane()
    let release: (value: Error | null) => void = () => {}
    lane.outcomes.set('slow', new Promise((resolve) => {
      release = resolve
    }))
    const filter = laneFilter(lane)
    filter.resume()

    filter.write(Buffer.concat([
      publishFrame({ topic: 'lane/a', payload: 'slow', qos: 1, messageId: 1 }),
      publishFrame({ topic: 'lane/a', payload: 'fast', qos: 1, messageId: 2 }),
    ]))
    filter.write(publishFrame({ topic: 'lane/a', payload: 'next read', qos: 1, messageId: 3 }))
    await new Promise((resolve) => setImmediate(resolve))

    expect(lane.taken.map((p) => p.payload.toString())).toEqual(['slow', 'fast'])
    expect(lane.settled).toEqual([])

    release(null)
    await new Promise((resolve) => setImmediate(resolve))

    expect(lane.taken.map((p) => p.payload.toString())).toEqual(['slow', 'fast', 'next read'])
    expect(lane.settled).toEqual([{ acks: [1, 2], failure: null }, { acks: [3], failure: null }])
  })

  it('holds a packet for aedes until the lane answered for the messages before it', async () => {
    const lane = new FakeLane()
    let release: (value: Error | null) => void = () => {}
    lane.outcomes.set('slow', new Promise((resolve) => {
      release = resolve
    }))
    const filter = laneFilter(lane)
    const passed: Buffer[] = []
    filter.on('data', (chunk: Buffer) => passed.push(chunk))
    const status = publishFrame({ topic: 'status', payload: 'for aedes', qos: 1, messageId: 2 })

    filter.write(Buffer.concat([
      publishFrame({ topic: 'lane/a', payload: 'slow', qos: 1, messageId: 1 }),
      status,
      publishFrame({ topic: 'lane/a', payload: 'after', qos: 1, messageId: 3 }),
    ]))
    await new Promise((resolve) => setImmediate(resolve))

    expect(Buffer.concat(passed).length).toBe(0)
    expect(lane.taken.map((p) => p.payload.toString())).toEqual(['slow'])

    release(null)
    await new Promise((resolve) => setImmediate(resolve))

    expect(Buffer.concat(passed).equals(status)).toBe(true)
    expect(lane.settled).toEqual([{ acks: [1], failure: null }, { acks: [3], failure: null }])
  })

  it('acknowledges only the messages before the first failure, and reports the failure', async () => {
    const lane = new FakeLane()
    lane.outcomes.set('refused handoff', Promise.resolve(new Error('store down')))
    lane.outcomes.set('thrown', Promise.reject(new Error('never seen: an earlier failure wins')))
    const bytes = Buffer.concat(['ok', 'refused handoff', 'thrown', 'after'].map((payload, i) =>
      publishFrame({ topic: 'lane/a', payload, qos: 1, messageId: i + 1 })))

    await run(laneFilter(lane), bytes, [bytes.length])

    expect(lane.settled).toEqual([{ acks: [1], failure: 'store down' }])
  })

  it('counts a lane that throws as a failure of that message', async () => {
    const lane = new FakeLane()
    lane.take = () => {
      throw new Error('lane broke')
    }
    await run(laneFilter(lane), publishFrame({ topic: 'lane/a', payload: 'x', qos: 1, messageId: 4 }), [64])

    expect(lane.settled).toEqual([{ acks: [], failure: 'lane broke' }])
  })

  it('leaves a malformed PUBLISH (topic longer than the packet) to aedes unchanged', async () => {
    const lane = new FakeLane()
    // Remaining length 4: a topic length of 200 cannot fit.
    const malformed = Buffer.from([0x32, 4, 0, 200, 0x6c, 0x61])

    const passed = await run(laneFilter(lane), malformed, [3])

    expect(passed.equals(malformed)).toBe(true)
    expect(lane.taken).toEqual([])
  })
})
