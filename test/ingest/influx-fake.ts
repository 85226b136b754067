import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A real HTTP server on 127.0.0.1 that answers like InfluxDB 2.x OSS or 3.x Core on the
 * endpoints Forewarn relies on, with their status codes, headers and error bodies as their
 * sources write them (influxdb 2.x http/write_handler.go and http/legacy/ping_handler.go;
 * influxdb3_server/src/http.rs). Neither runs here (no Docker, not in Debian), so this is what
 * the 2.x and 3.x integration tests talk to. It checks the token, stores accepted lines, keeps
 * field types (2.x: per measurement, field and 7-day shard; 3.x: per table column) and refuses
 * conflicting lines the way each generation does.
 */
export type FakeFlavour = '2' | '3'

export interface RecordedRequest {
  method: string
  path: string
  params: URLSearchParams
  headers: IncomingMessage['headers']
  body: string
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface FakeInflux {
  url: string
  /** Every request, in arrival order. */
  requests: RecordedRequest[]
  /** Lines stored, one per point (series, field, time): rewriting a point replaces it, as InfluxDB does. */
  readonly stored: string[]
  /** Answers the next write requests with these replies, in order, before normal handling. */
  replyToNextWrites(...replies: Reply[]): void
  /** What /query answers after its checks; the test decides the rows. */
  answerQuery: (params: URLSearchParams) => unknown
  /** Writes lines to a bucket (3.x: database) as the server would, bypassing HTTP (to plant data). */
  plant(db: string, lines: string[]): void
  close(): Promise<void>
}

export interface FakeOptions {
  token: string
  /** 2.x: the organization that owns the buckets. */
  org?: string
  /** 2.x buckets (3.x creates databases on first write). */
  buckets?: string[]
}

const SHARD_MS = 7 * 86_400_000
const V2_VERSION = 'v2.7.11'
const V3_VERSION = '3.3.0'

interface ParsedLine {
  measurement: string
  field: string
  type: 'float' | 'integer' | 'string' | 'boolean'
  nanos: bigint
}

/** measurement[,tags] field=value time, spaces escaped in tags; enough for the tests' lines. */
function parseLine(line: string): ParsedLine | string {
  const parts = line.split(/(?<!\\) /)
  if (parts.length !== 3) return `expected 3 space-separated parts, got ${parts.length}`
  const [head, fieldSet, time] = parts as [string, string, string]
  const measurement = head.split(/(?<!\\),/)[0] ?? ''
  const [field, value] = fieldSet.split('=')
  if (measurement === '' || field === undefined || value === undefined || value === '') {
    return 'No fields were provided'
  }
  if (!/^-?\d+$/.test(time)) return `invalid timestamp ${time}`
  return { measurement, field, type: valueType(value), nanos: BigInt(time) }
}

function valueType(value: string): ParsedLine['type'] {
  if (/^-?\d+i$/.test(value)) return 'integer'
  if (value.startsWith('"')) return 'string'
  if (/^(t|f|true|false)$/i.test(value)) return 'boolean'
  return 'float'
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, reply.headers ?? {})
  res.end(reply.body ?? '')
}

/** 2.x's error body: `{"code": …, "message": …}` as application/json. */
function v2Error(status: number, code: string, message: string): Reply {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'x-platform-error-code': code }
  return { status, headers, body: JSON.stringify({ code, message }) }
}

/** 3.x's write and query errors: `{"error": …}` JSON without a JSON content type. */
function v3Error(status: number, error: string, data?: unknown): Reply {
  return { status, body: JSON.stringify(data === undefined ? { error } : { error, data }) }
}

export async function startFakeInflux(flavour: FakeFlavour, options: FakeOptions): Promise<FakeInflux> {
  const requests: RecordedRequest[] = []
  const points = new Map<string, string>()
  const queued: Reply[] = []
  const buckets = new Set(options.buckets ?? [])
  const databases = new Set<string>()
  /** Field type per key: 2.x `measurement/field/shard`, 3.x `db/table/column`. */
  const types = new Map<string, ParsedLine['type']>()

  const typeKey = (db: string, line: ParsedLine): string => flavour === '2'
    ? `${db}/${line.measurement}/${line.field}/${line.nanos / BigInt(SHARD_MS * 1_000_000)}`
    : `${db}/${line.measurement}/${line.field}`

  /** Stores the lines whose types fit; returns the refused ones with their line numbers. */
  function store(db: string, lines: string[]): Array<{ number: number, line: string, error: string }> {
    const refused: Array<{ number: number, line: string, error: string }> = []
    lines.forEach((line, index) => {
      const parsed = parseLine(line)
      if (typeof parsed === 'string') {
        refused.push({ number: index + 1, line, error: parsed })
        return
      }
      const key = typeKey(db, parsed)
      const existing = types.get(key)
      if (existing !== undefined && existing !== parsed.type) {
        const error = flavour === '2'
          ? `field type conflict: input field "${parsed.field}" on measurement "${parsed.measurement}" `
          + `is type ${parsed.type}, already exists as type ${existing}`
          : `invalid column type for column '${parsed.field}', expected iox::column_type::field::${existing}, `
            + `got iox::column_type::field::${parsed.type}`
        refused.push({ number: index + 1, line, error })
        return
      }
      types.set(key, parsed.type)
      points.set(`${db} ${line.slice(0, line.lastIndexOf('=') + 1)} ${parsed.nanos}`, line)
    })
    return refused
  }

  function isAuthorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    // 3.x accepts Bearer and Token; 2.x only Token.
    const schemes = flavour === '3' ? ['Token', 'Bearer'] : ['Token']
    return schemes.some((scheme) => header === `${scheme} ${options.token}`)
  }

  function unauthorized(): Reply {
    // 2.x: opaque JSON; 3.x: 401 with an empty body.
    return flavour === '2' ? v2Error(401, 'unauthorized', 'unauthorized access') : { status: 401 }
  }

  function ping(): Reply {
    if (flavour === '2') {
      return { status: 204, headers: { 'x-influxdb-build': 'oss', 'x-influxdb-version': V2_VERSION } }
    }
    const body = JSON.stringify({ version: V3_VERSION, revision: 'abc1234', process_id: 'fake' })
    return {
      status: 200,
      headers: {
        'content-type': 'application/json', 'x-influxdb-build': 'Core', 'x-influxdb-version': V3_VERSION,
      },
      body,
    }
  }

  function writeV2(params: URLSearchParams, body: string): Reply {
    const org = params.get('org') ?? ''
    const bucket = params.get('bucket') ?? ''
    if (org === '') return v2Error(400, 'invalid', 'Please provide either orgID or org')
    if (org !== options.org) return v2Error(404, 'not found', `organization name "${org}" not found`)
    if (!buckets.has(bucket)) return v2Error(404, 'not found', `bucket "${bucket}" not found`)
    if (params.get('precision') !== 'ns') return v2Error(400, 'invalid', 'invalid precision')
    const lines = body.split('\n')
    // 2.x parses the whole body first: one unparsable line refuses the batch, nothing is stored.
    const unparsable = lines.find((line) => typeof parseLine(line) === 'string')
    if (unparsable !== undefined) {
      return v2Error(400, 'invalid', `unable to parse '${unparsable}': ${String(parseLine(unparsable))}`)
    }
    const refused = store(bucket, lines)
    const first = refused[0]
    if (first === undefined) return { status: 204 }
    const message = `failure writing points to database: partial write: ${first.error} dropped=${refused.length}`
    return v2Error(422, 'unprocessable entity', message)
  }

  function writeV3(params: URLSearchParams, body: string): Reply {
    const db = params.get('db') ?? ''
    if (db === '') return { status: 400, body: 'missing query parameter \'db\'' }
    const precisions = ['auto', 'nanosecond', 'microsecond', 'millisecond', 'second']
    if (!precisions.includes(params.get('precision') ?? 'auto')) return { status: 400, body: 'serde error: precision' }
    databases.add(db)
    const refused = store(db, body.split('\n'))
    if (refused.length === 0) return { status: 204 }
    const data = refused.slice(0, 100).map((r) => ({
      original_line: r.line, line_number: r.number, error_message: r.error,
    }))
    return v3Error(400, 'partial write of line protocol occurred', data)
  }

  function query(params: URLSearchParams): Reply {
    const db = params.get('db') ?? ''
    const known = flavour === '2' ? buckets.has(db) : databases.has(db)
    if (!known) {
      return flavour === '2'
        ? v2Error(404, 'not found', `database not found: ${db}`)
        : v3Error(404, `query error: database not found: ${db}`)
    }
    const headers = { 'content-type': 'application/json' }
    return { status: 200, headers, body: JSON.stringify(fake.answerQuery(params)) }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const body = await readBody(req)
    const recorded = {
      method: req.method ?? '', path: url.pathname, params: url.searchParams, headers: req.headers, body,
    }
    requests.push(recorded)
    const isPublic = flavour === '2' && (url.pathname === '/ping' || url.pathname === '/health')
    if (!isPublic && !isAuthorized(req)) return send(res, unauthorized())

    const isWrite = req.method === 'POST' && /^\/(api\/v2\/write|api\/v3\/write_lp)$/.test(url.pathname)
    const next = isWrite ? queued.shift() : undefined
    if (next !== undefined) return send(res, next)

    const key = `${req.method} ${url.pathname}`
    if (key === 'GET /ping') return send(res, ping())
    if (key === 'POST /api/v2/write' && flavour === '2') return send(res, writeV2(url.searchParams, body))
    if (key === 'POST /api/v3/write_lp' && flavour === '3') return send(res, writeV3(url.searchParams, body))
    if (key === 'GET /query') return send(res, query(url.searchParams))
    return send(res, { status: 404, body: 'not found' })
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => send(res, { status: 500, body: String(err) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const fake: FakeInflux = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get stored() {
      return [...points.values()]
    },
    replyToNextWrites: (...replies) => {
      queued.push(...replies)
    },
    answerQuery: () => ({ results: [{ statement_id: 0 }] }),
    plant: (db, lines) => {
      if (flavour === '3') databases.add(db)
      const refused = store(db, lines)
      if (refused.length > 0) throw new Error(`planting refused: ${refused[0]?.error}`)
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
  return fake
}

/** Only the write requests a fake received. */
export function writesTo(fake: FakeInflux): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === 'POST')
}
