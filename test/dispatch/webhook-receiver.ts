import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One POST as the receiver got it, with whether its signature checked out. */
export interface ReceivedHook {
  headers: IncomingHttpHeaders
  body: string
  status: number
  isSignatureValid: boolean
}

export interface WebhookReceiver {
  url: string
  received: ReceivedHook[]
  /** Resolves once `n` deliveries arrived; rejects after 10 s. */
  waitFor(n: number): Promise<ReceivedHook[]>
  stop(): Promise<void>
}

/**
 * A real HTTP receiver on 127.0.0.1 that answers the scripted statuses in turn (then 200) and
 * checks each signature the way a customer's system would: HMAC-SHA256 over "<t>.<body>".
 */
export async function startWebhookReceiver(secret: string, statuses: number[] = []): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = []
  const waiters = new Set<() => void>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const status = statuses[received.length] ?? 200
      received.push({ headers: request.headers, body, status, isSignatureValid: verify(secret, request.headers, body) })
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'try later')
      for (const wake of waiters) wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/hooks/forewarn`,
    received,
    waitFor: (n) => new Promise((resolve, reject) => {
      const check = (): void => {
        if (received.length < n) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve(received.slice())
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`expected ${n} webhook deliveries, received ${received.length}`))
      }, 10_000)
      waiters.add(check)
      check()
    }),
    stop: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const header = String(headers['forewarn-signature'] ?? '')
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
  if (match === null || match[1] !== headers['forewarn-timestamp']) return false
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest()
  return timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'))
}
