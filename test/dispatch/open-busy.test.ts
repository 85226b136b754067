import { describe, expect, it } from 'vitest'
import { retryWhileBusy } from '../../dispatch/db.js'

/** An error as better-sqlite3 raises it. */
function sqliteError(code: string): Error {
  return Object.assign(new Error(code === 'SQLITE_BUSY' ? 'database is locked' : 'other'), { code })
}

describe('opening the dispatch database while another process switches it to WAL', () => {
  it('tries again after SQLITE_BUSY until the step succeeds', () => {
    let calls = 0
    retryWhileBusy(() => {
      calls++
      if (calls < 3) throw sqliteError('SQLITE_BUSY')
    })
    expect(calls).toBe(3)
  })

  it('gives up with the last SQLITE_BUSY once the time is over', () => {
    let calls = 0
    const started = Date.now()
    expect(() => retryWhileBusy(() => {
      calls++
      throw sqliteError('SQLITE_BUSY')
    }, 50)).toThrow('database is locked')
    expect(calls).toBeGreaterThan(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(50)
  })

  it('passes any other error through at once', () => {
    let calls = 0
    expect(() => retryWhileBusy(() => {
      calls++
      throw sqliteError('SQLITE_CORRUPT')
    })).toThrow('other')
    expect(calls).toBe(1)
  })
})
