import type { Db } from './db.js'
import type { PreferenceOverrides } from './preferences.js'

/** What a customer set, and who set it when. */
export interface StoredPreferences {
  overrides: PreferenceOverrides
  updatedAt: number
  updatedBy: string
}

interface Row {
  overrides: string
  updated_at: number
  updated_by: string
}

const UPSERT = `INSERT INTO customer_preferences (customer_id, overrides, updated_at, updated_by)
  VALUES (@customerId, @overrides, @at, @by)
  ON CONFLICT (customer_id) DO UPDATE SET overrides = excluded.overrides,
    updated_at = excluded.updated_at, updated_by = excluded.updated_by`
const AUDIT = `INSERT INTO customer_preference_changes (customer_id, at, by, changes)
  VALUES (@customerId, @at, @by, @changes)`

/**
 * Customers' own notification preferences, field by field over the fleet file, with every
 * change kept in an append-only audit table (who, when, what was asked).
 */
export class PreferenceStore {
  readonly #db: Db

  constructor(db: Db) {
    this.#db = db
  }

  get(customerId: string): StoredPreferences | undefined {
    const row = this.#db.prepare<[string], Row>(`SELECT overrides, updated_at, updated_by
      FROM customer_preferences WHERE customer_id = ?`).get(customerId)
    if (row === undefined) return undefined
    const overrides = JSON.parse(row.overrides) as PreferenceOverrides
    return { overrides, updatedAt: row.updated_at, updatedBy: row.updated_by }
  }

  /** Call inside a transaction: the new overrides and their audit row commit together. */
  save(customerId: string, overrides: PreferenceOverrides, change: { at: number, by: string, asked: unknown }): void {
    const { at, by } = change
    this.#db.prepare(UPSERT).run({ customerId, overrides: JSON.stringify(overrides), at, by })
    this.#db.prepare(AUDIT).run({ customerId, at, by, changes: JSON.stringify(change.asked) })
  }

  /** The audit trail of one customer's changes, oldest first. */
  changes(customerId: string): Array<{ at: number, by: string, changes: unknown }> {
    return this.#db.prepare<[string], { at: number, by: string, changes: string }>(`SELECT at, by, changes
      FROM customer_preference_changes WHERE customer_id = ? ORDER BY seq`).all(customerId)
      .map((row) => ({ at: row.at, by: row.by, changes: JSON.parse(row.changes) as unknown }))
  }
}
