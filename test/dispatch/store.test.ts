import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../dispatch/db.js'
import { WorkOrderStore, type NewWorkOrder } from '../../dispatch/work-order-store.js'
import { tempDir } from './fixtures.js'

function order(id: string, status: NewWorkOrder['status']): NewWorkOrder {
  return {
    id, assetId: 'pump-1', customerId: 'cust-water', siteId: 'site-north', failureMode: 'bearing_wear',
    playbook: 'degradation-preventive-repair', priority: 2, dueBy: 2, status, ownerId: 'planner-ana',
    technicianId: null, visit: null, summary: 's', predictedFailure: null, createdAt: 1, outcome: null,
  }
}

describe('dispatch store', () => {
  it('refuses a second open work order for the same asset and failure mode at the database level', () => {
    const db = openDatabase(':memory:')
    const store = new WorkOrderStore(db)
    store.insert(order('wo-1', 'completed'))
    store.insert(order('wo-2', 'scheduled'))

    expect(() => store.insert(order('wo-3', 'proposed'))).toThrow(/UNIQUE constraint failed/)
    expect(store.counts()).toEqual({ open: 1, total: 2 })
    db.close()
  })

  it('opens a file database in WAL mode and migrates it once', () => {
    const tmp = tempDir()
    onTestFinished(() => tmp.remove())
    const file = join(tmp.dir, 'dispatch.sqlite')
    openDatabase(file).close()
    const db = openDatabase(file)

    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('user_version', { simple: true })).toBe(3)
    db.close()
  })

  it('wraps a database that cannot be opened in a coded error', () => {
    expect(() => openDatabase('/nonexistent-dir/dispatch.sqlite'))
      .toThrow(expect.objectContaining({ code: 'FW_ERR_DSP_STORE_FAILED' }))
  })
})
