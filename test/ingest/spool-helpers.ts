import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

const made: string[] = []

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A fresh temp directory, removed after the test file. */
export function tempDir(prefix = 'forewarn-spool-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/**
 * What a crash would leave on disk: a copy of a live spool directory taken while its owner
 * still runs. Everything accept() acknowledged was fdatasync'ed, so the copy has it; the lock
 * file names this (live) process, which a new owner takes over like a dead process's lock.
 */
export function crashCopy(dir: string): string {
  const copy = tempDir('forewarn-crash-')
  cpSync(dir, copy, { recursive: true })
  return copy
}
