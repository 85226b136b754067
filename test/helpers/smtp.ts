import type { AddressInfo } from 'node:net'
import type { Readable } from 'node:stream'
import { simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

/** One message as the SMTP server received it. `from` and `to` are the SMTP envelope addresses. */
export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
  html: string
  raw: string
}

export interface SmtpHandle {
  /** smtp://127.0.0.1:<port>; plain SMTP, usable as config.smtp.url as is. */
  url: string
  port: number
  messages: ReceivedMail[]
  /** Resolves once at least `n` messages arrived; rejects after timeoutMs (default 10 s). */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMail[]>
  stop(): Promise<void>
}

export interface SmtpServerOptions {
  /** Port to bind; 0 (default) picks a free one. A stopped server's port brings it "back". */
  port?: number
}

const DEFAULT_WAIT_MS = 10_000

/**
 * Starts a real SMTP server on 127.0.0.1 that accepts any message without authentication.
 * STARTTLS is not offered, so nodemailer speaks plain SMTP to it without extra URL options.
 */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<SmtpHandle> {
  const messages: ReceivedMail[] = []
  const waiters = new Set<() => void>()

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      receive(stream, session).then((mail) => {
        messages.push(mail)
        for (const wake of waiters) wake()
        callback()
      }, (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))))
    },
  })
  const port = await listen(server, options.port ?? 0)

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitForMessages: (n, timeoutMs = DEFAULT_WAIT_MS) => waitFor(messages, waiters, n, timeoutMs),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

async function receive(stream: Readable, session: SMTPServerSession): Promise<ReceivedMail> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  const raw = Buffer.concat(chunks)
  const parsed = await simpleParser(raw)
  const mailFrom = session.envelope.mailFrom
  return {
    from: mailFrom === false ? '' : mailFrom.address,
    to: session.envelope.rcptTo.map((r) => r.address),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    raw: raw.toString('utf8'),
  }
}

function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.server.address() as AddressInfo).port)
    })
  })
}

function waitFor(
  messages: ReceivedMail[], waiters: Set<() => void>, n: number, timeoutMs: number,
): Promise<ReceivedMail[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (messages.length < n) return
      clearTimeout(timer)
      waiters.delete(check)
      resolve(messages.slice())
    }
    const timer = setTimeout(() => {
      waiters.delete(check)
      const got = messages.length
      reject(new Error(`expected ${n} messages within ${timeoutMs} ms, received ${got}`))
    }, timeoutMs)
    waiters.add(check)
    check()
  })
}
