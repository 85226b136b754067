/**
 * The records the capabilities exchange. They are the only types shared across module
 * boundaries: gateway emits Readings and DeviceEvents, models emits Signals, dispatch keeps
 * WorkOrders and Notices.
 */

/** Tags every reading of an asset carries, copied from the fleet at ingestion. */
export interface AssetTags {
  siteId: string
  customerId: string
  equipmentType: string
}

/** One numeric measurement of one metric of one asset, in the device's (data) clock. */
export interface Reading {
  deviceId: string
  assetId: string
  metric: string
  /** Epoch milliseconds, as measured by the device. */
  time: number
  value: number
  tags: AssetTags
}

/**
 * A non-numeric device state: connection status, a device-reported fault code, or silence.
 * `silent`: no telemetry for longer than the device's expected interval (gateway liveness);
 * `resumed`: telemetry again after a `silent`. Both carry `lastSeenAt` and `expectedIntervalMs`.
 */
export interface DeviceEvent {
  deviceId: string
  assetId: string
  kind: 'online' | 'offline' | 'fault' | 'silent' | 'resumed'
  time: number
  code?: string
  detail?: string
  /** silent, resumed: wall-clock arrival time (epoch ms) of the last telemetry before the silence. */
  lastSeenAt?: number
  /** silent, resumed: the interval the device was expected to report within (ms). */
  expectedIntervalMs?: number
  tags: AssetTags
}

export type SignalKind = 'anomaly' | 'degradation' | 'sensor_fault' | 'silent_device' | 'device_fault'
export type Severity = 'info' | 'warning' | 'critical'

/** When the part is expected to fail, in the data clock (epoch ms). */
export interface FailureWindow {
  earliest: number
  mostLikely: number
}

/** One reading that contributed to a Signal. */
export interface EvidencePoint {
  metric: string
  time: number
  value: number
  /** Robust z-score or other detector statistic, where the detector has one. */
  score?: number
}

export interface Evidence {
  metrics: string[]
  windowStart: number
  windowEnd: number
  points: EvidencePoint[]
  /** Plain-words description a planner or customer can read. */
  summary: string
}

/**
 * A detector's conclusion about an asset. `id` is derived from the evidence, so the same
 * evidence never makes a second Signal.
 */
export interface Signal {
  id: string
  assetId: string
  kind: SignalKind
  failureMode: string
  severity: Severity
  /** 0..1 */
  confidence: number
  /** Data-clock time of the reading that raised it. */
  detectedAt: number
  predictedFailure: FailureWindow | null
  evidence: Evidence
  detector: { name: string, version: string }
}

export type WorkOrderStatus = 'proposed' | 'scheduled' | 'dispatched' | 'in_progress' | 'completed' | 'cancelled'

export interface VisitWindow {
  start: number
  end: number
}

export interface WorkOrderChange {
  at: number
  by: string
  action: string
  reason: string
}

export interface WorkOrder {
  id: string
  assetId: string
  customerId: string
  siteId: string
  failureMode: string
  signalIds: string[]
  playbook: string
  /** 1 is most urgent. */
  priority: number
  dueBy: number
  status: WorkOrderStatus
  ownerId: string
  technicianId: string | null
  visit: VisitWindow | null
  summary: string
  predictedFailure: FailureWindow | null
  /** Data-clock time of the signal that opened it. */
  createdAt: number
  history: WorkOrderChange[]
  outcome: string | null
}

export type NoticeChannel = 'email' | 'webhook'
export type NoticeStatus = 'pending' | 'sent' | 'failed'

export interface Notice {
  id: string
  customerId: string
  workOrderId: string
  channel: NoticeChannel
  template: string
  dedupKey: string
  attempts: number
  status: NoticeStatus
  lastError: string | null
  sentAt: number | null
}
