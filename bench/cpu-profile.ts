/*
 * Where a process's CPU time went, by part of Forewarn, from a V8 CPU profile (node
 * --cpu-prof). Each sample goes to the innermost frame on its stack that belongs to a named
 * part, so Node's stream and socket code called by the gateway counts as the gateway's; samples
 * with no such frame go to Node's own parts. bench/profile-summary.ts prints it.
 */

export interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber?: number }
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const BROKER_PACKAGES = new RegExp(`node_modules/(${[
  'aedes[^/]*', 'mqtt-packet', 'bl', 'qlobber', 'mqemitter', 'hyperid', 'fastfall', 'fastparallel', 'fastseries',
  'reusify', 'debug',
].join('|')})/`)

/** A part, and how to know its frames: the first part whose test passes names the frame. */
const PARTS: Array<[string, (url: string, fn: string) => boolean]> = [
  ['idle (waiting for I/O)', (_url, fn) => fn === '(idle)'],
  ['garbage collection', (_url, fn) => fn === '(garbage collector)'],
  ['V8 and native code with no JavaScript frame', (_url, fn) => fn === '(program)'],
  ['the benchmark (latency probe, load bookkeeping)', (url) => url.includes('/bench/')],
  ['broker: aedes and its parser, matcher and emitter', (url) => BROKER_PACKAGES.test(url)],
  ['gateway: frame filter and telemetry lane', (url) => /\/gateway\/(frame-limit|publish-lane|telemetry-lane)\.ts/.test(url)],
  ['gateway: JSON decoding and per-metric validation', (url) =>
    /\/gateway\/(payload|timestamp|metric-name|handlers\/)|node_modules\/zod\//.test(url)],
  ['gateway: admission, ACL, redelivery, counters', (url) => url.includes('/gateway/')],
  ['ingest: spool (frame seal with CRC-32, group commit, files)', (url) => /\/ingest\/(spool-|group-commit)/.test(url)],
  ['ingest: readings to line protocol', (url) =>
    /\/ingest\/(line-encoder|line-protocol|point-identity)/.test(url)],
  ['ingest: writer to InfluxDB (batches, HTTP client)', (url) =>
    /\/ingest\/(influx-|batch-writer|drainer)|node_modules\/@influxdata\//.test(url)],
  ['ingest: admission and the rest', (url) => url.includes('/ingest/')],
  ['models (detection)', (url) => url.includes('/models/')],
  ['asset board, dispatch and the service', (url) => /\/(app|dispatch|core)\//.test(url)],
  ['metrics and logging libraries', (url) => /node_modules\/(prom-client|pino[^/]*)\//.test(url)],
  ['HTTP server (fastify)', (url) => /node_modules\/(fastify|@fastify|light-my-request|find-my-way)/.test(url)],
  ['other npm packages', (url) => url.includes('node_modules/')],
  ['Node: streams and sockets', (url) => /node:(internal\/)?(streams?|net|stream_base_commons|dgram)/.test(url)],
  ['Node: timers, promises and microtasks', (url) => /node:(internal\/)?(timers|process\/task_queues|async_hooks)/.test(url)],
  ['Node: file system', (url) => /node:(internal\/)?fs/.test(url)],
]
const NODE_OTHER = 'Node: the rest of its runtime'
const UNNAMED = 'unattributed built-ins'

export interface PartShare {
  part: string
  /** Of all sampled time, idle included. */
  share: number
  ms: number
}

export function summarise(profile: CpuProfile): PartShare[] {
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const partOfNode = new Map<number, string>()
  const partOf = (id: number): string => {
    const known = partOfNode.get(id)
    if (known !== undefined) return known
    // Node's own parts count only when no part of Forewarn is on the stack; the innermost
    // named one wins, then "the rest of its runtime" for a stack of unnamed node: frames.
    let nodePart: string | undefined
    let isNodeFrameSeen = false
    let part: string | undefined
    for (let at: number | undefined = id; at !== undefined && part === undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame
      if (frame === undefined) break
      part = PARTS.find(([, test]) => test(frame.url, frame.functionName))?.[0]
      if (part?.startsWith('Node:') === true) {
        nodePart ??= part
        part = undefined
      }
      if (frame.url.startsWith('node:')) isNodeFrameSeen = true
    }
    const named = part ?? nodePart ?? (isNodeFrameSeen ? NODE_OTHER : UNNAMED)
    partOfNode.set(id, named)
    return named
  }

  const microseconds = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    const part = partOf(id)
    microseconds.set(part, (microseconds.get(part) ?? 0) + delta)
    total += delta
  })
  return [...microseconds]
    .map(([part, us]) => ({ part, share: total === 0 ? 0 : us / total, ms: us / 1000 }))
    .sort((a, b) => b.share - a.share)
}

export interface FunctionShare {
  name: string
  /** The file's last path part and, when the profile knows it, the line (1-based); '' for V8's own entries. */
  where: string
  share: number
}

/** The functions that spent the most time themselves (the sample's innermost frame). */
export function topFunctions(profile: CpuProfile, count: number): FunctionShare[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<string, FunctionShare>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    total += delta
    const frame = byId.get(id)?.callFrame
    if (frame === undefined) return
    const file = frame.url.split('/').at(-1) ?? ''
    // tsx's transformed files report line 0 for every function: the file alone says more.
    const line = frame.lineNumber ?? 0
    const where = file === '' || line <= 0 ? file : `${file}:${line + 1}`
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName
    const key = `${name} ${where}`
    const entry = self.get(key) ?? { name, where, share: 0 }
    entry.share += delta
    self.set(key, entry)
  })
  return [...self.values()]
    .map((entry) => ({ ...entry, share: total === 0 ? 0 : entry.share / total }))
    .sort((a, b) => b.share - a.share)
    .slice(0, count)
}
