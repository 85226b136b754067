import { InfluxDB, type SendOptions, type Transport } from '@influxdata/influxdb-client'
import type { Logger, Reading } from '../core/index.js'
import { StoreUnavailableError, WriteFailedError } from './errors.js'
import {
  flavourOfVersion, queryPath, writePath, type InfluxFlavour, type InfluxTarget, type InfluxVersion,
} from './influx-flavour.js'
import { toQueryError, toWriteError } from './influx-errors.js'
import { postLines } from './influx-post.js'
import { countStatement, parseCount, parseSeries, rangeStatement } from './influxql.js'
import { toLines } from './line-protocol.js'
import type {
  CountQuery, RangeQuery, SeriesPoint, TelemetryStore, WriteLinesOptions,
} from './types.js'
import { validateCountQuery, validateRangeQuery } from './validate.js'

/**
 * One InfluxDB adapter for 1.x, 2.x and 3.x, configured by URL and credentials. Writes go to
 * each generation's write API, reads to the v1 /query endpoint with InfluxQL, which all three
 * serve (see influx-flavour.ts for the endpoints and why). With version 'auto' the generation
 * is read once from /ping's X-Influxdb-Version, at the first request that needs it; until a
 * /ping succeeds, writes fail as retryable and wait in the spool.
 *
 * Why the client library's transport and not its WriteApi/QueryApi: WriteApi buffers, batches
 * and retries by itself, which the spool and BatchWriter already do durably (a second retry
 * layer would hide failures from them), and it takes strings, where the pipeline hands over
 * the spooled bytes as they are. QueryApi speaks Flux, which 1.x and 3.x lack. From the
 * library we keep its Node transport, `transport.request(path, body, { method, headers })`: it
 * adds `Authorization: Token`, applies the timeout, resolves 2xx bodies (JSON when the
 * response says so) and rejects anything else with an HttpError carrying status, body and
 * headers (Retry-After, X-Influxdb-Error).
 */
export interface InfluxStoreOptions {
  url: string
  /** 'auto' (default) asks /ping once; '1', '2', '3' fix the API. */
  version?: InfluxVersion
  database: string
  retentionPolicy?: string
  /** 2.x organization name or id; 2.x writes need it. */
  org?: string
  /** 2.x bucket, 3.x database; empty: `database`. */
  bucket?: string
  /** 2.x/3.x API token, sent as `Authorization: Token <token>`. */
  token?: string
  /** 1.x credentials, sent as HTTP basic auth (kept out of URLs and so out of access logs). */
  username?: string
  password?: string
  timeoutMs?: number
  /** Where the detected version is logged. */
  logger?: Logger
}

const REQUEST_TIMEOUT_MS = 10_000

class InfluxStore implements TelemetryStore {
  readonly kind = 'influx' as const
  readonly #options: InfluxStoreOptions
  readonly #target: InfluxTarget
  #transport: Transport | undefined
  /** Fixed by config, or learnt from the first successful /ping. */
  #flavour: InfluxFlavour | undefined

  constructor(options: InfluxStoreOptions) {
    this.#options = options
    this.#target = {
      database: options.database,
      retentionPolicy: options.retentionPolicy ?? '',
      org: options.org ?? '',
      bucket: options.bucket ?? '',
    }
    const version = options.version ?? 'auto'
    this.#flavour = version === 'auto' ? undefined : version
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
    this.#requireOpen()
    const flavour = await this.#resolveFlavour((err) => toWriteError(err, options.points))
    if (flavour === '2' && this.#target.org === '') {
      // 2.x refuses a write without org with 400, which would dead-letter every reading.
      throw new WriteFailedError('InfluxDB 2.x needs an organization: set influx.org (FOREWARN_INFLUX_ORG)', {
        failure: 'not_found', points: options.points,
      })
    }
    const headers = { ...this.#authorization(), 'content-type': 'text/plain; charset=utf-8' }
    const timeoutMs = this.#options.timeoutMs ?? REQUEST_TIMEOUT_MS
    const request = requestSignal(options.signal)
    try {
      await postLines(this.#options.url, writePath(flavour, this.#target), body, {
        headers, timeoutMs, signal: request.signal,
      })
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
      await this.#ping(this.#transport)
      return true
    } catch {
      // Any failure (refused, timeout, non-2xx) is exactly what "not ready" means.
      return false
    }
  }

  /**
   * GET /ping (every generation has it; 3.x wants the token for it), learning the generation
   * from the answer when it is not known yet. A server that names no version gets the v1 API,
   * which 1.x, 2.x (through DBRP) and 3.x all serve.
   */
  async #ping(transport: Transport): Promise<void> {
    let announced: unknown
    const body: unknown = await transport.request('/ping', '', this.#sendOptions('GET'), (headers) => {
      announced = headers['x-influxdb-version']
    })
    if (this.#flavour !== undefined) return
    const fromBody = (body as { version?: unknown } | null | undefined)?.version
    const flavour = flavourOfVersion(announced) ?? flavourOfVersion(fromBody) ?? '1'
    this.#flavour = flavour
    const version = typeof announced === 'string' ? announced : fromBody
    this.#options.logger?.info({ version, api: flavour }, 'InfluxDB version detected')
  }

  async #resolveFlavour(toError: (err: unknown) => Error): Promise<InfluxFlavour> {
    if (this.#flavour !== undefined) return this.#flavour
    try {
      await this.#ping(this.#requireOpen())
    } catch (err: unknown) {
      throw toError(err)
    }
    return this.#flavour ?? '1'
  }

  async close(): Promise<void> {
    // The transport keeps no connection of its own (Node's global agent pools sockets).
    this.#transport = undefined
  }

  async #select(statement: string): Promise<unknown> {
    const transport = this.#requireOpen()
    const flavour = await this.#resolveFlavour((err) => toQueryError(err, statement))
    const path = queryPath(flavour, this.#target, statement)
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

  #sendOptions(method: string, headers: Record<string, string> = {}): SendOptions {
    // The transport adds `Authorization: Token` itself when a token is configured.
    const { token } = this.#options
    if (token !== undefined && token !== '') return { method, headers }
    return { method, headers: { ...headers, ...this.#authorization() } }
  }

  /** Token when set, else HTTP basic auth when a user name is set, else nothing. */
  #authorization(): Record<string, string> {
    const { token, username, password } = this.#options
    if (token !== undefined && token !== '') return { authorization: `Token ${token}` }
    if (username === undefined || username === '') return {}
    const basic = Buffer.from(`${username}:${password ?? ''}`).toString('base64')
    return { authorization: `Basic ${basic}` }
  }
}

/**
 * A signal for one request that follows `outer`: combining the drain's long-lived signal with
 * each request's timeout would leave one listener per write on it, so each request gets its
 * own signal, and the listener on the drain's is removed when the request ends.
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

/** The telemetry store on an InfluxDB 1.x, 2.x or 3.x server. */
export function createInfluxStore(options: InfluxStoreOptions): TelemetryStore {
  return new InfluxStore(options)
}
