import type { Severity, SignalKind } from '../core/index.js'

/** What a kind of Signal obliges the service company to do. */
export interface Playbook {
  name: string
  /** The mandatory action, in words a customer reads ("preventive repair"). */
  action: string
}

/**
 * The only place that decides which Signal kind triggers which action. It is plain data on
 * purpose, so playbooks can later be loaded from a file without touching the dispatch logic.
 * A kind mapped to null needs no action and its Signals are ignored.
 */
const PLAYBOOKS: Readonly<Record<SignalKind, Playbook | null>> = {
  degradation: { name: 'degradation-preventive-repair', action: 'preventive repair' },
  anomaly: { name: 'anomaly-inspection', action: 'inspection' },
  sensor_fault: { name: 'sensor-check', action: 'sensor check' },
  silent_device: { name: 'silent-device-check', action: 'connectivity check' },
  device_fault: { name: 'device-fault-inspection', action: 'fault inspection' },
}

// Priority 1 is the most urgent; the ladder mirrors the detector's severity one to one.
const PRIORITY_BY_SEVERITY: Readonly<Record<Severity, number>> = {
  critical: 1, warning: 2, info: 3,
}

/** The playbook for a Signal kind, or null when the kind needs no action. */
export function playbookFor(kind: SignalKind): Playbook | null {
  return PLAYBOOKS[kind]
}

/** Work-order priority for a Signal severity. */
export function priorityFor(severity: Severity): number {
  return PRIORITY_BY_SEVERITY[severity]
}
