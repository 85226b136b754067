import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client'
import { afterEach, describe, expect, it } from 'vitest'
import { postLines } from '../../ingest/influx-post.js'

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void

const servers: Server[] = []

/** A real HTTP server on a free loopback port that hands each request, body read, to `handle`. */
async function serve(handle: Handler): Promise<string> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => handle(request, Buffer.concat(chunks), response))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

const options = (overrides: Partial<{ timeoutMs: number, signal: AbortSignal }> = {}) => ({
  headers: { 'content-type': 'text/plain; charset=utf-8', 'authorization': 'Token t' },
  timeoutMs: 5_000,
  signal: new AbortController().signal,
  ...overrides,
})

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

describe('postLines (InfluxDB write transport)', () => {
  it('sends the body, path and headers as given and resolves on a 2xx', async () => {
    let seen: { url?: string, body?: string, auth?: string, length?: string } = {}
    const url = await serve((request, body, response) => {
      seen = { url: request.url, body: body.toString(), auth: request.headers.authorization,
        length: request.headers['content-length'] }
      response.writeHead(204).end()
    })
    const body = Buffer.from('m,asset=a value=1 1\nm,asset=a value=2 2')

    await postLines(url, '/write?db=x&precision=ns', body, options())

    expect(seen).toEqual({ url: '/write?db=x&precision=ns', body: body.toString(), auth: 'Token t',
      length: String(body.length) })
  })

  it('reports a refusal as HttpError with the whole unlabelled body and Retry-After', async () => {
    const long = `partial write: ${'line refused; '.repeat(200)}`
    const url = await serve((_request, _body, response) => {
      response.writeHead(429, { 'retry-after': '7' }).end(long)
    })

    const failure = await postLines(url, '/write', Buffer.from('x'), options()).catch((err: unknown) => err)

    expect(failure).toBeInstanceOf(HttpError)
    expect(failure).toMatchObject({ statusCode: 429, body: long })
    expect((failure as HttpError).retryAfter()).toBe(7)
  })

  it('gives up on a server that never answers after timeoutMs, as a timeout', async () => {
    const url = await serve(() => undefined)

    await expect(postLines(url, '/write', Buffer.from('x'), options({ timeoutMs: 200 })))
      .rejects.toBeInstanceOf(RequestTimedOutError)
  })

  it('stops when its signal aborts, and that is not a timeout', async () => {
    const url = await serve(() => undefined)
    const controller = new AbortController()
    const pending = postLines(url, '/write', Buffer.from('x'), options({ signal: controller.signal }))
    setTimeout(() => controller.abort(), 50)

    const failure = await pending.catch((err: unknown) => err)

    expect(failure).not.toBeInstanceOf(RequestTimedOutError)
    expect(failure).toMatchObject({ name: 'AbortError' })
  })

  it('carries the socket error code of an unreachable server', async () => {
    const url = await serve(() => undefined)
    const closed = servers.pop() as Server
    await new Promise((resolve) => closed.close(resolve))

    await expect(postLines(url, '/write', Buffer.from('x'), options())).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})
