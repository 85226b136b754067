import type { VisitWindow } from '../core/index.js'
import type { Db } from './db.js'
import type { Absence } from './types.js'

/** Periods technicians cannot work (illness, leave, a broken van), kept in SQLite. */
export class AbsenceStore {
  readonly #db: Db

  constructor(db: Db) {
    this.#db = db
  }

  add(absence: Absence, recordedAt: number): void {
    this.#db.prepare(`INSERT INTO technician_absences
        (technician_id, start_at, end_at, reason, by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(absence.technicianId, absence.start, absence.end, absence.reason, absence.by, recordedAt)
  }

  /** Absences that end after `since`: the only ones a new visit can collide with. */
  busy(technicianId: string, since: number): VisitWindow[] {
    return this.#db.prepare<[string, number], VisitWindow>(`SELECT start_at AS start, end_at AS end
      FROM technician_absences WHERE technician_id = ? AND end_at > ? ORDER BY start_at`)
      .all(technicianId, since)
  }

  /** Absences ending after `since`, with their ids and reasons, for the calendar feed. */
  list(technicianId: string, since: number): Array<VisitWindow & { id: number, reason: string }> {
    type Row = VisitWindow & { id: number, reason: string }
    return this.#db.prepare<[string, number], Row>(`SELECT id, start_at AS start, end_at AS end, reason
      FROM technician_absences WHERE technician_id = ? AND end_at > ? ORDER BY start_at`)
      .all(technicianId, since)
  }
}
