import type { Signal } from '../../core/index.js'

/** One work order (or sensor-fault case) the ledger opened. */
export interface LedgerOrder {
  assetId: string
  failureMode: string
  /** Data time of the Signal that opened it. */
  openedAt: number
  /** Data time it closed; null while open. */
  closedAt: number | null
  /** Kind of the Signal that opened it. */
  kind: Signal['kind']
  signalCount: number
}

/**
 * Dispatch's rule "one open work order per asset and failure mode", without the scheduling:
 * a Signal opens a work order unless one is open for its asset and failure mode, in which case
 * it joins it. `closeAt` says when an opened order will be closed (for example after a visit
 * that found nothing); it is asked once, when the order opens. Signals must arrive in data-time
 * order per asset, as the detectors raise them.
 */
export class WorkOrderLedger {
  readonly orders: LedgerOrder[] = []
  readonly #open = new Map<string, LedgerOrder>()
  readonly #closeAt: (order: LedgerOrder) => number | null

  constructor(closeAt: (order: LedgerOrder) => number | null) {
    this.#closeAt = closeAt
  }

  /** The order the Signal opened, or null when it joined an open one. */
  observe(signal: Signal): LedgerOrder | null {
    const key = `${signal.assetId}\u0000${signal.failureMode}`
    const open = this.#open.get(key)
    if (open !== undefined && (open.closedAt === null || signal.detectedAt < open.closedAt)) {
      open.signalCount++
      return null
    }
    const order: LedgerOrder = {
      assetId: signal.assetId, failureMode: signal.failureMode, openedAt: signal.detectedAt,
      closedAt: null, kind: signal.kind, signalCount: 1,
    }
    order.closedAt = this.#closeAt(order)
    this.orders.push(order)
    this.#open.set(key, order)
    return order
  }
}
