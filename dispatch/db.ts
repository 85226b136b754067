import Database from 'better-sqlite3'
import { DispatchStoreError } from './errors.js'

export type Db = Database.Database

/** States in which a work order still needs someone; at most one per asset and failure mode. */
export const OPEN_STATUSES = ['proposed', 'scheduled', 'dispatched', 'in_progress'] as const
const OPEN_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(', ')

/**
 * Schema migrations, applied in order and counted in PRAGMA user_version. Append only: a
 * shipped migration is never edited, because existing databases have already run it.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE work_orders (
    id TEXT PRIMARY KEY,
    asset_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    failure_mode TEXT NOT NULL,
    playbook TEXT NOT NULL,
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 3),
    due_by INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN
      ('proposed', 'scheduled', 'dispatched', 'in_progress', 'completed', 'cancelled')),
    owner_id TEXT NOT NULL,
    technician_id TEXT,
    visit_start INTEGER,
    visit_end INTEGER,
    summary TEXT NOT NULL,
    predicted_earliest INTEGER,
    predicted_most_likely INTEGER,
    created_at INTEGER NOT NULL,
    outcome TEXT
  );
  -- The database itself refuses a second open work order for the same problem.
  CREATE UNIQUE INDEX work_orders_one_open ON work_orders (asset_id, failure_mode)
    WHERE status IN (${OPEN_LIST});
  CREATE INDEX work_orders_by_status ON work_orders (status, created_at);
  CREATE INDEX work_orders_by_customer ON work_orders (customer_id, created_at);
  CREATE INDEX work_orders_by_technician ON work_orders (technician_id, status);

  CREATE TABLE work_order_signals (
    signal_id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL REFERENCES work_orders (id),
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    detected_at INTEGER NOT NULL
  );
  CREATE INDEX work_order_signals_by_work_order ON work_order_signals (work_order_id);

  CREATE TABLE work_order_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    work_order_id TEXT NOT NULL REFERENCES work_orders (id),
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE INDEX work_order_history_by_work_order ON work_order_history (work_order_id, seq);

  CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    work_order_id TEXT NOT NULL REFERENCES work_orders (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    template TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
  );
  CREATE INDEX notices_due ON notices (status, next_attempt_at);
  CREATE INDEX notices_by_customer ON notices (customer_id, created_at);
  `,
  `
  -- Issue 6: lifecycle, owners, escalation, closure verification, webhooks and digests.
  ALTER TABLE work_orders ADD COLUMN visit_sequence INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE work_orders ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE work_orders ADD COLUMN status_since INTEGER;
  ALTER TABLE work_orders ADD COLUMN outcome_part TEXT;
  ALTER TABLE work_orders ADD COLUMN outcome_note TEXT;
  ALTER TABLE work_orders ADD COLUMN completed_at INTEGER;
  UPDATE work_orders SET status_since = created_at;
  CREATE INDEX work_orders_open_by_asset ON work_orders (asset_id, status);

  ALTER TABLE work_order_signals ADD COLUMN evidence TEXT;

  ALTER TABLE notices ADD COLUMN audience TEXT NOT NULL DEFAULT 'customer'
    CHECK (audience IN ('customer', 'staff'));
  ALTER TABLE notices ADD COLUMN ics TEXT;
  ALTER TABLE notices ADD COLUMN ics_method TEXT;
  ALTER TABLE notices ADD COLUMN digest_id TEXT;
  ALTER TABLE notices ADD COLUMN hold_until INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE notices ADD COLUMN section_text TEXT;
  ALTER TABLE notices ADD COLUMN section_html TEXT;
  CREATE INDEX notices_by_digest ON notices (digest_id);

  CREATE TABLE technician_absences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    technician_id TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL CHECK (end_at > start_at),
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
  );
  CREATE INDEX technician_absences_by_technician ON technician_absences (technician_id, end_at);

  -- One row per deadline that fired, so a deadline acts once across restarts and instances.
  CREATE TABLE escalations (
    work_order_id TEXT NOT NULL REFERENCES work_orders (id),
    deadline TEXT NOT NULL,
    fired_at INTEGER NOT NULL,
    PRIMARY KEY (work_order_id, deadline)
  );

  CREATE TABLE closure_watches (
    work_order_id TEXT PRIMARY KEY REFERENCES work_orders (id),
    asset_id TEXT NOT NULL,
    failure_mode TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    until INTEGER NOT NULL,
    limits TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('watching', 'verified', 'reopened', 'unverified')),
    decided_at INTEGER,
    normal_readings INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX closure_watches_by_state ON closure_watches (state, asset_id);

  CREATE TABLE dispatch_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `,
  `
  -- Issue 7: customers' own notification preferences, each field overriding the fleet file's
  -- (JSON of the fields set), and an append-only trail of who changed them when.
  CREATE TABLE customer_preferences (
    customer_id TEXT PRIMARY KEY,
    overrides TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
  );
  CREATE TABLE customer_preference_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    changes TEXT NOT NULL
  );
  CREATE INDEX customer_preference_changes_by_customer ON customer_preference_changes (customer_id, seq);
  -- A customer's notice history, newest first, without staff alerts about their work orders.
  CREATE INDEX notices_by_customer_audience ON notices (customer_id, audience, created_at);
  `,
]

/** How long opening retries a journal-mode switch that another process holds up. */
const OPEN_BUSY_RETRY_MS = 5_000
const OPEN_BUSY_PAUSE_MS = 10

/**
 * Switching a new file to WAL needs an exclusive lock. When two processes open the same new
 * file at once, both hold a shared lock and want that exclusive one; SQLite answers one of them
 * SQLITE_BUSY at once instead of calling the busy handler (waiting could deadlock), so
 * busy_timeout does not help there. The loser pauses and tries again once the other is done.
 * Blocking is acceptable: this runs once, at start-up.
 */
export function retryWhileBusy(run: () => void, retryMs = OPEN_BUSY_RETRY_MS): void {
  const deadline = Date.now() + retryMs
  for (;;) {
    try {
      run()
      return
    } catch (err: unknown) {
      const code = (err as { code?: unknown }).code
      if (code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, OPEN_BUSY_PAUSE_MS)
    }
  }
}

/** Opens (creating if needed) the dispatch database and brings its schema up to date. */
export function openDatabase(file: string): Db {
  let db: Db | undefined
  try {
    const opened = new Database(file)
    db = opened
    // First, so that another process opening the same file makes us wait instead of fail.
    db.pragma('busy_timeout = 5000')
    // WAL lets readers (the API) run while a signal's transaction writes; FULL sync makes a
    // commit survive power loss too, as "a committed work order survives a crash" requires.
    retryWhileBusy(() => opened.pragma('journal_mode = WAL'))
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    migrate(db)
    return db
  } catch (err: unknown) {
    db?.close()
    throw new DispatchStoreError(`dispatch database ${file} could not be opened: ${String(err)}`, {
      cause: err, details: { file },
    })
  }
}

/**
 * Applies one migration per immediate transaction, reading the version inside it: two
 * processes starting on one new file take turns, and the second finds the work done.
 */
function migrate(db: Db): void {
  const step = db.transaction((): boolean => {
    const version = Number(db.pragma('user_version', { simple: true }))
    const sql = MIGRATIONS[version]
    if (sql === undefined) return false
    db.exec(sql)
    db.pragma(`user_version = ${version + 1}`)
    return true
  })
  while (step.immediate()) {
    // Each pass applied one migration; the loop ends once the schema is current.
  }
}
