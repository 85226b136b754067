import { Counter, Gauge } from 'prom-client'
import type { Registry } from '../core/index.js'

export interface DispatchMetrics {
  workOrdersCreated: Counter<'playbook' | 'status'>
  signalsAttached: Counter
  signalsIgnored: Counter<'reason'>
  noticesSent: Counter<'channel'>
  noticesFailed: Counter<'channel'>
  escalations: Counter<'deadline'>
  transitions: Counter<'action'>
  closures: Counter<'result'>
  reschedules: Counter<'cause'>
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
      help: 'Notices accepted by the mail transport or the webhook receiver, by channel',
      labelNames: ['channel'] as const,
      registers,
    }),
    noticesFailed: new Counter({
      name: 'forewarn_dispatch_notices_failed_total',
      help: 'Failed notice delivery attempts (each is retried later), by channel',
      labelNames: ['channel'] as const,
      registers,
    }),
    ...lifecycleCounters(registers),
  }
}

function lifecycleCounters(registers: Registry[]): Pick<DispatchMetrics,
  'escalations' | 'transitions' | 'closures' | 'reschedules'> {
  return {
    escalations: new Counter({
      name: 'forewarn_dispatch_escalations_total',
      help: 'Escalations, by deadline (no_slot, not_scheduled, visit_missed, past_failure)',
      labelNames: ['deadline'] as const,
      registers,
    }),
    transitions: new Counter({
      name: 'forewarn_dispatch_commands_total',
      help: 'Work-order lifecycle commands applied, by action',
      labelNames: ['action'] as const,
      registers,
    }),
    closures: new Counter({
      name: 'forewarn_dispatch_closures_total',
      help: 'Telemetry checks of fault-confirmed repairs, by result (verified, reopened, unverified)',
      labelNames: ['result'] as const,
      registers,
    }),
    reschedules: new Counter({
      name: 'forewarn_dispatch_reschedules_total',
      help: 'Visits moved by dispatch itself, by cause (evidence, unavailable, visit_missed, reopened)',
      labelNames: ['cause'] as const,
      registers,
    }),
  }
}
