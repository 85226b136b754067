import type { Logger } from '../core/index.js'
import type { Dispatch, WorkOrderView } from '../dispatch/index.js'
import type { Models, OutcomeReport } from '../models/index.js'

/** How far back completed work orders are replayed into the models at start-up. */
const REPLAY_DAYS = 180
const DAY_MS = 86_400_000
const REPLAY_PAGE = 10_000

/** The outcome a completed work order reports to the models, or null when it has none. */
export function outcomeReport(workOrder: WorkOrderView): OutcomeReport | null {
  if (workOrder.completion === null) return null
  return {
    assetId: workOrder.assetId,
    failureMode: workOrder.failureMode,
    outcome: workOrder.completion.outcome,
    at: workOrder.completion.at,
  }
}

/**
 * The models keep outcome feedback (sensitivity after wasted visits, confirmed-fault labels)
 * in memory; dispatch's store is the record of what visits found. At start-up the completed
 * work orders of the last months are told to the models again, oldest completion first, so a
 * restart forgets neither a wasted visit nor a confirmed fault.
 */
export function replayOutcomes(dispatch: Pick<Dispatch, 'listWorkOrders' | 'now'>, models: Pick<Models, 'recordOutcome'>,
  logger: Logger): number {
  const since = dispatch.now() - REPLAY_DAYS * DAY_MS
  const { items } = dispatch.listWorkOrders({ status: 'completed', limit: REPLAY_PAGE })
  const reports = items.flatMap((w) => outcomeReport(w) ?? []).filter((r) => r.at >= since).sort((a, b) => a.at - b.at)
  for (const report of reports) models.recordOutcome(report)
  if (reports.length > 0) logger.info({ outcomes: reports.length, sinceDays: REPLAY_DAYS }, 'outcomes replayed into the models')
  return reports.length
}
