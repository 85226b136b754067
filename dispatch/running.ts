import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Clock } from '../core/index.js'
import { AbsenceStore } from './absence-store.js'
import type { ClosureWatcher } from './closure-watcher.js'
import type { DispatchContext } from './context.js'
import type { DataClock } from './data-clock.js'
import { openDatabase } from './db.js'
import { createMailSender, type MailSender } from './mail-transport.js'
import type { DispatchMetrics } from './metrics.js'
import { NoticeStore } from './notice-store.js'
import { loadPlaybooks } from './playbook-file.js'
import { PreferenceStore } from './preference-store.js'
import type { DispatchDeps } from './types.js'
import { createWebhookSender, type WebhookSender } from './webhook-transport.js'
import { WorkOrderStore } from './work-order-store.js'

/** What exists only between start() and stop(). */
export interface Running {
  ctx: DispatchContext
  senders: { email: MailSender, webhook: WebhookSender }
}

export function dbFileOf(deps: DispatchDeps): string {
  return deps.dbFile ?? join(deps.config.data.dir, 'forewarn.sqlite')
}

/** Reads the playbooks, opens and migrates the database, restores the data clock. */
export function openRunning(input: {
  deps: DispatchDeps
  clock: Clock
  dataClock: DataClock
  metrics: DispatchMetrics
  watcher: ClosureWatcher
}): Running {
  const { deps, clock, dataClock } = input
  const { config, fleet, logger } = deps
  // Playbooks first: a bad file must stop start-up before anything is opened.
  const playbooks = deps.playbooks ?? loadPlaybooks(config.dispatch.playbooksFile)
  if (deps.dbFile === undefined) mkdirSync(config.data.dir, { recursive: true })
  const db = openDatabase(dbFileOf(deps))
  dataClock.load(db)

  const ctx: DispatchContext = {
    db,
    workOrders: new WorkOrderStore(db),
    notices: new NoticeStore(db),
    absences: new AbsenceStore(db),
    preferences: new PreferenceStore(db),
    fleet, config, playbooks, clock, dataClock, logger,
    metrics: input.metrics,
    closures: input.watcher,
  }
  const senders = {
    email: createMailSender(config),
    webhook: createWebhookSender({ fleet, clock, timeoutMs: config.dispatch.webhookTimeoutMs }),
  }
  return { ctx, senders }
}

/** Saves the data clock and closes the mail transport and the database. */
export function closeRunning(state: Running): void {
  const { ctx, senders } = state
  ctx.dataClock.persist(ctx.db)
  senders.email.close()
  ctx.db.close()
}
