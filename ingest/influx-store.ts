import { InfluxDB, type SendOptions, type Transport } from '@influxdata/influxdb-client'
import type { Reading } from '../core/index.js'
import { StoreUnavailableError } from './errors.js'
import { toQueryError, toWriteError } from './influx-errors.js'
import { countStatement, parseCount, parseSeries, rangeStatement } from './influxql.js'
import { toLines } from './line-protocol.js'
import type {
  CountQuery, RangeQuery, SeriesPoint, TelemetryStore, WriteLinesOptions,
} from './types.js'
import { validateCountQuery, validateRangeQuery } from './validate.js'

/**
 * InfluxDB adapter speaking only the v1 HTTP API: `POST /write?db=&rp=&precision=ns` with
 * line protocol and `GET /query?db=&rp=&epoch=ms&q=` with InfluxQL.
 *
 * Why not the client's WriteApi/QueryApi: they target /api/v2/write and /api/v2/query
 * (Flux), which InfluxDB 1.x (Debian ships 1.6.7) does not have. The v1 endpoints exist on
 * every generation: 1.x natively, 2.x through DBRP mappings (created automatically for
 * buckets since 2.4) and 3.x Core. So one configuration (url, database, retentionPolicy, plus a
 * token for 2.x/3.x or username/password for 1.x) reaches all three. From the library we keep
 * its Node transport,
 * `transport.request(path, body, { method, headers })`: it adds `Authorization: Token`, applies
 * the timeout, resolves 2xx bodies (JSON when the response says so) and rejects anything else
 * with an HttpError carrying status, body and headers (Retry-After, X-Influxdb-Error).
 */
export interface InfluxStoreOptions {
  url: string
  database: string
  retentionPolicy?: string
  /** 2.x/3.x API token, sent as `Authorization: Token <token>`. */
  token?: string
  /** 1.x credentials, sent as HTTP basic auth (kept out of URLs and so out of access logs). */
  username?: string
  password?: string
  timeoutMs?: number
}

const REQUEST_TIMEOUT_MS = 10_000

class InfluxStore implements TelemetryStore {
  readonly kind = 'influx' as const
  readonly #options: InfluxStoreOptions
  #transport: Transport | undefined

  constructor(options: InfluxStoreOptions) {
    this.#options = options
  }

  async open(): Promise<void> {
    const { url, token, timeoutMs } = this.#options
    const client = new InfluxDB({
      url,
      ...(token === undefined || token === '' ? {} : { token }),
      timeout: timeoutMs ?? REQUEST_TIMEOUT_MS,
    })
    this.#transport = client.transport
  }

  async write(readings: Reading[]): Promise<void> {
    if (readings.length === 0) return
    await this.writeLines(Buffer.from(toLines(readings), 'utf8'), { points: readings.length })
  }

  async writeLines(body: Buffer, options: WriteLinesOptions): Promise<void> {
    if (body.length === 0) return
    const transport = this.#requireOpen()
    const path = `/write?${this.#params({ precision: 'ns' })}`
    const send = this.#sendOptions('POST', { 'content-type': 'text/plain; charset=utf-8' })
    const request = requestSignal(options.signal)
    try {
      await sendBytes(transport, path, body, { ...send, signal: request.signal })
    } catch (err: unknown) {
      throw toWriteError(err, options.points)
    } finally {
      request.release()
    }
  }

  async query(q: RangeQuery): Promise<SeriesPoint[]> {
    validateRangeQuery(q)
    const statement = rangeStatement(q)
    return parseSeries(await this.#select(statement), statement)
  }

  async count(q: CountQuery): Promise<number> {
    validateCountQuery(q)
    const statement = countStatement(q)
    return parseCount(await this.#select(statement), statement)
  }

  async ping(): Promise<boolean> {
    if (this.#transport === undefined) return false
    try {
      await this.#transport.request('/ping', '', this.#sendOptions('GET'))
      return true
    } catch {
      // Any failure (refused, timeout, non-2xx) is exactly what "not ready" means.
      return false
    }
  }

  async close(): Promise<void> {
    // The transport keeps no connection of its own (Node's global agent pools sockets).
    this.#transport = undefined
  }

  async #select(statement: string): Promise<unknown> {
    const transport = this.#requireOpen()
    const path = `/query?${this.#params({ epoch: 'ms', q: statement })}`
    const options = this.#sendOptions('GET', { accept: 'application/json' })
    try {
      const body: unknown = await transport.request(path, '', options)
      return body
    } catch (err: unknown) {
      throw toQueryError(err, statement)
    }
  }

  #requireOpen(): Transport {
    if (this.#transport !== undefined) return this.#transport
    throw new StoreUnavailableError('InfluxDB store is not open (call open() first)')
  }

  #params(extra: Record<string, string>): string {
    const params = new URLSearchParams({ db: this.#options.database })
    const rp = this.#options.retentionPolicy ?? ''
    if (rp !== '') params.set('rp', rp)
    for (const [key, value] of Object.entries(extra)) params.set(key, value)
    return params.toString()
  }

  #sendOptions(method: string, headers: Record<string, string> = {}): SendOptions {
    const { token, username, password } = this.#options
    const hasToken = token !== undefined && token !== ''
    if (hasToken || username === undefined || username === '') return { method, headers }
    const basic = Buffer.from(`${username}:${password ?? ''}`).toString('base64')
    return { method, headers: { ...headers, authorization: `Basic ${basic}` } }
  }
}

/**
 * POSTs bytes as they are. transport.request() would JSON-encode a Buffer, so this goes one
 * level down to send(), which copies the body into its request as it does for a string
 * (typed as string, it takes any Buffer.from() input) and reports HTTP errors the same way.
 */
function sendBytes(
  transport: Transport, path: string, body: Buffer, options: SendOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    transport.send(path, body as unknown as string, options, {
      complete: () => resolve(),
      error: (err: Error) => reject(err),
    })
  })
}

/**
 * A signal for one request that follows `outer`. The client's transport adds an abort
 * listener to the signal of every request and never removes it, so handing it the drain's
 * long-lived signal would pile up one listener per write.
 */
function requestSignal(
  outer: AbortSignal | undefined,
): { signal: AbortSignal, release: () => void } {
  const controller = new AbortController()
  if (outer === undefined) return { signal: controller.signal, release: () => undefined }
  const abort = (): void => controller.abort()
  if (outer.aborted) abort()
  else outer.addEventListener('abort', abort)
  return { signal: controller.signal, release: () => outer.removeEventListener('abort', abort) }
}

/** The telemetry store on an InfluxDB 1.x, 2.x or 3.x server, through its v1 HTTP API. */
export function createInfluxStore(options: InfluxStoreOptions): TelemetryStore {
  return new InfluxStore(options)
}
