import type { Clock, Logger } from '../core/index.js'
import { NoticeSendError } from './errors.js'
import type { MailSender } from './mail-transport.js'
import type { DispatchMetrics } from './metrics.js'
import type { DueNotice, NoticeStore } from './notice-store.js'

const BATCH_SIZE = 100
// Exponential backoff from 5 s, capped at 15 min: a relay that is down for an hour is retried
// four times an hour rather than hammered, and a short blip costs seconds.
const FIRST_RETRY_MS = 5_000
const MAX_RETRY_MS = 15 * 60_000
// After this many failed attempts a person should look; retries go on regardless.
const ALERT_AFTER_ATTEMPTS = 5

export interface OutboxDeps {
  notices: NoticeStore
  sender: MailSender
  clock: Clock
  logger: Logger
  metrics: DispatchMetrics
}

/** Delay before the attempt after `attempt` (1-based). */
export function retryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), MAX_RETRY_MS)
}

/** Sends every notice due now; each is marked sent only after the transport accepted it. */
export async function drainOutbox(deps: OutboxDeps): Promise<{ sent: number, failed: number }> {
  let sent = 0
  let failed = 0
  for (;;) {
    const due = deps.notices.due(deps.clock.now(), BATCH_SIZE)
    let progressed = false
    for (const notice of due) {
      const result = await deliver(deps, notice)
      if (result === 'sent') sent++
      if (result === 'failed') failed++
      progressed ||= result !== 'skipped'
    }
    if (due.length < BATCH_SIZE || !progressed) return { sent, failed }
  }
}

type Delivery = 'sent' | 'failed' | 'skipped'

async function deliver(deps: OutboxDeps, notice: DueNotice): Promise<Delivery> {
  const attempt = notice.attempts + 1
  // Someone else took this attempt (another drainer on the same database).
  if (!deps.notices.claim(notice, deps.clock.now() + retryDelayMs(attempt))) return 'skipped'
  const { id: noticeId, workOrderId, customerId } = notice
  const ids = { noticeId, workOrderId, customerId }

  let path: string | undefined
  try {
    path = (await deps.sender.send(notice.id, notice.mail)).file
  } catch (err: unknown) {
    const error = new NoticeSendError(notice.id, err)
    deps.notices.recordFailure(notice.id, error.message)
    deps.metrics.noticesFailed.inc()
    const record = { ...ids, attempt, retryInMs: retryDelayMs(attempt), err: error }
    if (attempt >= ALERT_AFTER_ATTEMPTS) deps.logger.error(record, 'notice delivery failed')
    else deps.logger.warn(record, 'notice delivery failed')
    return 'failed'
  }

  deps.notices.markSent(notice.id, deps.clock.now())
  deps.metrics.noticesSent.inc()
  deps.logger.info({ ...ids, attempt, path }, 'notice sent')
  return 'sent'
}
