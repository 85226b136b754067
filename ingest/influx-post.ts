import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client'

/**
 * POSTs a write body with node:http and reports a non-2xx answer as the client library's
 * HttpError, so influx-errors.ts maps every request the same way.
 *
 * Why not the library's transport, as for /ping and /query: it cuts an error body that is not
 * labelled application/json to 1,000 characters, and InfluxDB 3.x sends its write errors
 * unlabelled. Its list of refused lines (up to 100 entries of about 300 bytes) would arrive
 * cut, unreadable, and each refused line would cost a round of halving instead of nothing.
 *
 * Why not fetch: it copies every body into a web stream chunk before sending (about 3 % of
 * the pipeline's CPU at full load in the ingest benchmark); node:http writes the Buffer as is.
 */
export function postLines(
  url: string, path: string, body: Buffer, options: {
    headers: Record<string, string>
    timeoutMs: number
    signal: AbortSignal
  },
): Promise<void> {
  const target = new URL(`${url.replace(/\/+$/, '')}${path}`)
  const isHttps = target.protocol === 'https:'
  const send = isHttps ? httpsRequest : httpRequest
  // A deadline for the whole exchange, as fetch had; a socket idle timeout would let a
  // server that trickles its answer hold the writer for ever.
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const isTimeout = (): boolean => timeout.aborted && !options.signal.aborted
  return new Promise<void>((resolve, reject) => {
    const request = send(target, {
      method: 'POST',
      agent: isHttps ? httpsAgent : httpAgent,
      headers: { ...options.headers, 'content-length': String(body.length) },
      signal: AbortSignal.any([options.signal, timeout]),
    }, (response) => {
      readAnswer(response).then(resolve, (err: unknown) => {
        reject(isTimeout() ? new RequestTimedOutError() : err)
      })
    })
    request.on('error', (err: Error) => {
      reject(isTimeout() ? new RequestTimedOutError() : err)
    })
    request.end(body)
  })
}

/** Keep-alive connections, as fetch had: a write per batch must not pay a TCP handshake. */
const httpAgent = new HttpAgent({ keepAlive: true })
const httpsAgent = new HttpsAgent({ keepAlive: true })

/** Drains a 2xx answer; turns any other into the library's HttpError with the whole body. */
async function readAnswer(response: IncomingMessage): Promise<void> {
  const status = response.statusCode ?? 0
  if (status >= 200 && status < 300) {
    response.resume()
    await new Promise<void>((resolve, reject) => {
      response.on('end', resolve).on('error', reject)
    })
    return
  }
  const chunks: Buffer[] = []
  for await (const chunk of response) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  throw new HttpError(status, response.statusMessage ?? '', text, headers['retry-after'],
    headers['content-type'], undefined, headers)
}
