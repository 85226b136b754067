import type { Reading } from '../core/index.js'
import { iso, transact, type DispatchContext } from './context.js'
import { activeWatches, decideWatch, reopenFromReadings, type Watch } from './closure.js'

interface WatchState {
  watch: Watch
  /** Consecutive readings per metric at least as bad as the evidence. */
  runs: Map<string, number>
  normal: number
}

/**
 * Telemetry-verified closure on the reading path. Only assets with a running watch cost more
 * than one map lookup, so feeding every reading through here is cheap.
 */
export class ClosureWatcher {
  readonly #byAsset = new Map<string, WatchState[]>()
  #ctx: DispatchContext | null = null

  /** Loads the running watches; called by start(). */
  open(ctx: DispatchContext): void {
    this.#ctx = ctx
    this.#byAsset.clear()
    for (const watch of activeWatches(ctx)) this.#add(watch)
  }

  close(): void {
    this.saveCounts()
    this.#ctx = null
    this.#byAsset.clear()
  }

  /** Re-reads an asset's running watches after a commit that started or ended one. */
  refresh(assetId: string): void {
    const ctx = this.#ctx
    if (ctx === null) return
    const counts = new Map((this.#byAsset.get(assetId) ?? []).map((s) => [s.watch.workOrderId, s]))
    this.#byAsset.delete(assetId)
    for (const watch of activeWatches(ctx).filter((w) => w.assetId === assetId)) {
      const known = counts.get(watch.workOrderId)
      this.#add(watch, known?.watch.startedAt === watch.startedAt ? known : undefined)
    }
  }

  observe(reading: Reading): void {
    const states = this.#byAsset.get(reading.assetId)
    if (states === undefined || this.#ctx === null) return
    for (const state of states) this.#check(this.#ctx, state, reading)
  }

  /** Ends every watch whose period is over at data-clock `now`; returns their work-order ids. */
  decideExpired(now: number): string[] {
    const ctx = this.#ctx
    if (ctx === null) return []
    this.saveCounts()
    const expired = activeWatches(ctx).filter((w) => w.until <= now)
    for (const watch of expired) transact(ctx, (fx) => decideWatch(ctx, fx, watch, watch.normalReadings))
    return expired.map((w) => w.workOrderId)
  }

  /** Writes the normal-reading counts, so a restart does not forget them. */
  saveCounts(): void {
    const ctx = this.#ctx
    if (ctx === null) return
    const update = ctx.db.prepare(`UPDATE closure_watches SET normal_readings = ?
      WHERE work_order_id = ? AND state = 'watching'`)
    ctx.db.transaction(() => {
      for (const states of this.#byAsset.values()) {
        for (const state of states) update.run(state.normal, state.watch.workOrderId)
      }
    }).immediate()
  }

  #add(watch: Watch, known?: WatchState): void {
    const state = known ?? { watch, runs: new Map<string, number>(), normal: watch.normalReadings }
    state.watch = watch
    const list = this.#byAsset.get(watch.assetId) ?? []
    list.push(state)
    this.#byAsset.set(watch.assetId, list)
  }

  #check(ctx: DispatchContext, state: WatchState, reading: Reading): void {
    const { watch } = state
    // Only readings taken after the repair and within the watch count.
    if (reading.time < watch.startedAt || reading.time > watch.until) return
    const limit = watch.limits.find((l) => l.metric === reading.metric)
    if (limit === undefined) return
    const isBad = limit.direction === 'above' ? reading.value >= limit.threshold : reading.value <= limit.threshold
    if (!isBad) {
      state.runs.set(reading.metric, 0)
      state.normal++
      return
    }

    const run = (state.runs.get(reading.metric) ?? 0) + 1
    state.runs.set(reading.metric, run)
    if (run < ctx.config.dispatch.closureAnomalyReadings) return
    const sign = limit.direction === 'above' ? '≥' : '≤'
    const why = `${run} consecutive ${reading.metric} readings ${sign} ${limit.threshold} after the repair (last ${reading.value} at ${iso(reading.time)})`
    try {
      transact(ctx, (fx) => reopenFromReadings(ctx, fx, watch, { why, at: reading.time }))
    } catch (err: unknown) {
      // The reading path must go on; the watch stays and the next bad reading tries again.
      ctx.logger.error({ err, workOrderId: watch.workOrderId, assetId: watch.assetId }, 'work order reopen failed')
    }
  }
}
