import { Counter, Gauge } from 'prom-client'
import type { Registry } from '../core/index.js'

export interface DispatchMetrics {
  workOrdersCreated: Counter<'playbook' | 'status'>
  signalsAttached: Counter
  signalsIgnored: Counter<'reason'>
  noticesSent: Counter
  noticesFailed: Counter
}

/** Live counts for the gauges at scrape time; null while the store is closed. */
export type CountSource = () => { workOrdersOpen: number, noticesPending: number } | null

/** Registers dispatch's metrics on the service registry (never prom-client's global one). */
export function createDispatchMetrics(registry: Registry, counts: CountSource): DispatchMetrics {
  const registers = [registry]
  new Gauge({
    name: 'forewarn_dispatch_work_orders_open',
    help: 'Work orders not yet completed or cancelled',
    registers,
    collect() {
      const current = counts()
      if (current !== null) this.set(current.workOrdersOpen)
    },
  })
  new Gauge({
    name: 'forewarn_dispatch_notices_pending',
    help: 'Customer notices waiting in the outbox',
    registers,
    collect() {
      const current = counts()
      if (current !== null) this.set(current.noticesPending)
    },
  })
  return {
    workOrdersCreated: new Counter({
      name: 'forewarn_dispatch_work_orders_created_total',
      help: 'Work orders opened from signals, by playbook and initial status',
      labelNames: ['playbook', 'status'] as const,
      registers,
    }),
    signalsAttached: new Counter({
      name: 'forewarn_dispatch_signals_attached_total',
      help: 'Signals attached to an already open work order for the same asset and failure mode',
      registers,
    }),
    signalsIgnored: new Counter({
      name: 'forewarn_dispatch_signals_ignored_total',
      help: 'Signals that changed nothing, by reason (duplicate, no_action)',
      labelNames: ['reason'] as const,
      registers,
    }),
    noticesSent: new Counter({
      name: 'forewarn_dispatch_notices_sent_total',
      help: 'Notices accepted by the mail transport',
      registers,
    }),
    noticesFailed: new Counter({
      name: 'forewarn_dispatch_notices_failed_total',
      help: 'Failed notice delivery attempts (each is retried later)',
      registers,
    }),
  }
}
