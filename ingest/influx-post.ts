import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client'

/**
 * POSTs a write body with Node's fetch and reports a non-2xx answer as the client library's
 * HttpError, so influx-errors.ts maps every request the same way.
 *
 * Why not the library's transport, as for /ping and /query: it cuts an error body that is not
 * labelled application/json to 1,000 characters, and InfluxDB 3.x sends its write errors
 * unlabelled. Its list of refused lines (up to 100 entries of about 300 bytes) would arrive
 * cut, unreadable, and each refused line would cost a round of halving instead of nothing.
 */
export async function postLines(
  url: string, path: string, body: Buffer, options: {
    headers: Record<string, string>
    timeoutMs: number
    signal: AbortSignal
  },
): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  let response: Response
  try {
    response = await fetch(`${url.replace(/\/+$/, '')}${path}`, {
      method: 'POST', body, headers: options.headers, signal: AbortSignal.any([options.signal, timeout]),
    })
  } catch (err: unknown) {
    if (timeout.aborted && !options.signal.aborted) throw new RequestTimedOutError()
    throw withSocketCode(err)
  }
  if (response.ok) {
    await response.arrayBuffer()
    return
  }
  const text = await response.text()
  const headers = Object.fromEntries(response.headers)
  throw new HttpError(response.status, response.statusText, text, headers['retry-after'],
    headers['content-type'], undefined, headers)
}

/**
 * fetch reports a refused connection as `TypeError: fetch failed` whose cause (or the cause's
 * first error, when both IPv4 and IPv6 were tried) carries the socket's code; the code is
 * lifted onto the error, where influx-errors.ts looks for it.
 */
function withSocketCode(err: unknown): unknown {
  const cause = (err as { cause?: { code?: unknown, errors?: Array<{ code?: unknown }> } } | null)?.cause
  const code = cause?.code ?? cause?.errors?.[0]?.code
  if (typeof code !== 'string' || !(err instanceof Error)) return err
  return Object.assign(err, { code })
}
