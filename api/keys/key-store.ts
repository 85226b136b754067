import Database from 'better-sqlite3'
import type { Principal, Role } from '../principal.js'
import { generateApiKey, parseApiKey, secretMatches } from './api-key.js'

/** A stored key as operators see it: never the secret, never its hash. */
export interface ApiKeyInfo {
  id: string
  name: string
  role: Role
  customerId: string | null
  technicianId: string | null
  createdAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

export interface NewApiKey {
  name: string
  role: Role
  customerId?: string
  technicianId?: string
}

interface KeyRow {
  id: string
  name: string
  role: Role
  customer_id: string | null
  technician_id: string | null
  hash: string
  created_at: string
  revoked_at: string | null
  last_used_at: string | null
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'planner', 'technician', 'customer')),
    customer_id TEXT,
    technician_id TEXT,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT,
    -- A customer key always names its customer, a technician key its technician; no other key does.
    CHECK ((role = 'customer') = (customer_id IS NOT NULL)),
    CHECK ((role = 'technician') = (technician_id IS NOT NULL))
  )`

/** "Last used" is written at most this often per key, so reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000

/**
 * API keys in their own SQLite file (`<data.dir>/api-keys.sqlite`), apart from work orders, so
 * that access control can be backed up, rotated or wiped on its own.
 */
export class ApiKeyStore {
  readonly #db: Database.Database
  readonly #lastUsedWritten = new Map<string, number>()

  constructor(file: string) {
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.exec(SCHEMA)
  }

  /** Stores a new key and returns it in full: the only time the secret is ever shown. */
  create(request: NewApiKey, now = new Date()): { key: string, info: ApiKeyInfo } {
    const { id, key, hash } = generateApiKey()
    this.#db.prepare(`INSERT INTO api_keys (id, name, role, customer_id, technician_id, hash, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      id, request.name, request.role, request.customerId ?? null, request.technicianId ?? null, hash,
      now.toISOString(),
    )
    return { key, info: this.get(id) as ApiKeyInfo }
  }

  list(): ApiKeyInfo[] {
    return this.#db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id').all().map(toInfo)
  }

  get(id: string): ApiKeyInfo | undefined {
    const row = this.#db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?').get(id)
    return row === undefined ? undefined : toInfo(row)
  }

  /** Revoking is final and takes effect on the next request; revoking twice keeps the first time. */
  revoke(id: string, now = new Date()): ApiKeyInfo | undefined {
    this.#db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(now.toISOString(), id)
    return this.get(id)
  }

  hasActiveAdmin(): boolean {
    return this.#db.prepare(`SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`).get() !== undefined
  }

  /** The principal a presented key speaks for, or undefined for an unknown, wrong or revoked key. */
  authenticate(presented: string, now = Date.now()): Principal | undefined {
    const parsed = parseApiKey(presented)
    if (parsed === undefined) return undefined
    const row = this.#db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?').get(parsed.id)
    if (row === undefined || row.revoked_at !== null || !secretMatches(parsed.secret, row.hash)) return undefined
    this.#touch(row.id, now)
    const principal: Principal = { keyId: row.id, name: row.name, role: row.role }
    if (row.customer_id !== null) principal.customerId = row.customer_id
    if (row.technician_id !== null) principal.technicianId = row.technician_id
    return principal
  }

  close(): void {
    this.#db.close()
  }

  #touch(id: string, now: number): void {
    const last = this.#lastUsedWritten.get(id) ?? 0
    if (now - last < LAST_USED_RESOLUTION_MS) return
    this.#lastUsedWritten.set(id, now)
    this.#db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(new Date(now).toISOString(), id)
  }
}

function toInfo(row: KeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    customerId: row.customer_id,
    technicianId: row.technician_id,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  }
}
