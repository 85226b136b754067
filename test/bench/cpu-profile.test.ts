import { describe, expect, it } from 'vitest'
import { summarise, topFunctions, type CpuProfile, type ProfileNode } from '../../bench/cpu-profile.js'

/** A profile from stacks (outermost frame first, as `url#function`) and the µs spent in each. */
function profileOf(stacks: Array<[string[], number]>): CpuProfile {
  const nodes: ProfileNode[] = [{ id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] }]
  const samples: number[] = []
  const timeDeltas: number[] = []
  for (const [frames, microseconds] of stacks) {
    let parent = nodes[0] as ProfileNode
    for (const frame of frames) {
      const [url = '', functionName = ''] = frame.split('#')
      const node: ProfileNode = { id: nodes.length + 1, callFrame: { functionName, url }, children: [] }
      parent.children?.push(node.id)
      nodes.push(node)
      parent = node
    }
    samples.push(parent.id)
    timeDeltas.push(microseconds)
  }
  return { nodes, samples, timeDeltas }
}

describe('summarise (CPU profile by part)', () => {
  it('gives each sample to the innermost part of Forewarn on its stack', () => {
    const profile = profileOf([
      [['#(idle)'], 400],
      [['file:///w/gateway/frame-limit.ts#read', 'file:///w/gateway/publish.ts#admit', 'node:net#write'], 300],
      [['file:///w/gateway/frame-limit.ts#read', 'node:internal/streams/readable#push'], 100],
      [['file:///w/node_modules/aedes/lib/client.js#handle'], 100],
      [['node:internal/streams/writable#write', 'node:net#writev'], 50],
      [['node:internal/timers#listOnTimeout', 'node:internal/util#x'], 50],
    ])

    const shares = new Map(summarise(profile).map(({ part, share }) => [part, share]))

    expect(shares.get('idle (waiting for I/O)')).toBeCloseTo(0.4)
    // publish.ts is inner to the frame filter: the socket write is admission's.
    expect(shares.get('gateway: admission, ACL, redelivery, counters')).toBeCloseTo(0.3)
    expect(shares.get('gateway: frame filter and telemetry lane')).toBeCloseTo(0.1)
    expect(shares.get('broker: aedes and its parser, matcher and emitter')).toBeCloseTo(0.1)
    expect(shares.get('Node: streams and sockets')).toBeCloseTo(0.05)
    expect(shares.get('Node: timers, promises and microtasks')).toBeCloseTo(0.05)
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1)
  })

  it('sorts the parts by share and gives an empty profile no shares', () => {
    const parts = summarise(profileOf([[['file:///w/models/a.ts#f'], 10], [['file:///w/ingest/spool-log.ts#g'], 30]]))
    expect(parts.map((p) => p.part)).toEqual(['ingest: spool (frame seal with CRC-32, group commit, files)', 'models (detection)'])
    expect(summarise({ nodes: [], samples: [], timeDeltas: [] })).toEqual([])
  })
})

describe('topFunctions', () => {
  it('ranks functions by the time they spent themselves', () => {
    const profile = profileOf([
      [['file:///w/gateway/frame-limit.ts#read', 'file:///w/gateway/payload.ts#decodeJson'], 30],
      [['file:///w/gateway/frame-limit.ts#read'], 10],
      [['file:///w/gateway/frame-limit.ts#read', 'file:///w/gateway/payload.ts#decodeJson'], 30],
      [['#(idle)'], 30],
    ])

    expect(topFunctions(profile, 2)).toEqual([
      { name: 'decodeJson', where: 'payload.ts', share: 0.6 },
      { name: '(idle)', where: '', share: 0.3 },
    ])
  })
})
