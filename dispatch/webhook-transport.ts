import type { Clock, Fleet } from '../core/index.js'
import { NoticeSendError } from './errors.js'
import type { DueNotice } from './notice-store.js'
import { signWebhook } from './notice-webhook.js'

/** POSTs one webhook notice. Resolves once the receiver answered 2xx; rejects otherwise. */
export interface WebhookSender {
  send(notice: DueNotice): Promise<{ status: number }>
}

/**
 * Signed webhook delivery. The body was fixed when the notice was enqueued; each attempt signs
 * it with a fresh timestamp, and the notice id travels as the idempotency key so a receiver
 * can drop the copy a retry (or a crash after delivery) sends.
 */
export function createWebhookSender(deps: { fleet: Fleet, clock: Clock, timeoutMs: number }): WebhookSender {
  return {
    async send(notice) {
      const secret = deps.fleet.customer(notice.customerId)?.webhook?.secret
      if (secret === undefined) {
        throw new NoticeSendError(notice.id, `customer ${notice.customerId} has no webhook configured any more`)
      }

      const body = notice.mail.text
      const timestamp = Math.floor(deps.clock.now() / 1000)
      const response = await fetch(notice.mail.to, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'forewarn-webhooks/1',
          'forewarn-event': notice.mail.subject,
          'idempotency-key': notice.id,
          'forewarn-timestamp': String(timestamp),
          'forewarn-signature': signWebhook(secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(deps.timeoutMs),
        redirect: 'error',
      })
      // The body is not needed; reading it frees the connection for the next delivery.
      await response.arrayBuffer()
      if (response.status < 200 || response.status > 299) {
        throw new NoticeSendError(notice.id, `webhook receiver answered HTTP ${response.status}`)
      }
      return { status: response.status }
    },
  }
}
