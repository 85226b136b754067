import { open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SpoolLockedError } from './errors.js'
import type { Position } from './spool-frame.js'

/**
 * The spool directory: numbered segment files, a cursor file (where the next unstored frame
 * starts) and a lock file holding the owner's pid.
 */
const SEGMENT_PATTERN = /^(\d{20})\.seg$/
const CURSOR_FILE = 'cursor.json'
const LOCK_FILE = 'lock'

/** Spool directories this process has open; a pid match alone cannot tell (pid 1 in containers). */
const openHere = new Set<string>()

export function segmentPath(dir: string, segment: number): string {
  return join(dir, `${String(segment).padStart(20, '0')}.seg`)
}

/** Sequence numbers of the segment files, oldest first. */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir)
  return names.flatMap((name) => {
    const match = SEGMENT_PATTERN.exec(name)
    return match === null ? [] : [Number(match[1])]
  }).sort((a, b) => a - b)
}

/**
 * The cursor, or undefined when there is none or it cannot be read. Losing it only means
 * replaying from the oldest segment, which rewrites points already stored: harmless, because
 * a point written twice is one point (see point-identity.ts).
 */
export async function readCursor(dir: string): Promise<Position | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, CURSOR_FILE), 'utf8'))
    const { segment, offset } = parsed as Partial<Position>
    if (Number.isSafeInteger(segment) && Number.isSafeInteger(offset)) {
      return { segment: segment as number, offset: offset as number }
    }
    return undefined
  } catch (err: unknown) {
    if (errorCode(err) === 'ENOENT' || err instanceof SyntaxError) return undefined
    throw err
  }
}

/**
 * Replaces the cursor atomically (write, then rename). Not fsynced: after a power loss an
 * older cursor only replays points that are already stored, which rewrites them in place.
 */
export async function writeCursor(dir: string, cursor: Position): Promise<void> {
  const temporary = join(dir, `${CURSOR_FILE}.tmp`)
  await writeFile(temporary, JSON.stringify(cursor))
  await rename(temporary, join(dir, CURSOR_FILE))
}

/** Makes a created or removed file name durable (POSIX needs the directory itself synced). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Takes the directory for this process. A lock left by a dead process (a crash, SIGKILL) is
 * taken over; one held by a live process, or already by this one, is refused.
 */
export async function lockDirectory(dir: string): Promise<void> {
  const file = join(dir, LOCK_FILE)
  if (openHere.has(dir)) throw lockedError(dir, process.pid)
  try {
    await writeFile(file, String(process.pid), { flag: 'wx' })
  } catch (err: unknown) {
    if (errorCode(err) !== 'EEXIST') throw err
    const owner = Number((await readFile(file, 'utf8')).trim())
    if (owner !== process.pid && isAlive(owner)) throw lockedError(dir, owner)
    await writeFile(file, String(process.pid))
  }
  openHere.add(dir)
}

export async function unlockDirectory(dir: string): Promise<void> {
  openHere.delete(dir)
  await rm(join(dir, LOCK_FILE), { force: true })
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err: unknown) {
    // EPERM: the process exists but belongs to someone else; ESRCH: it is gone.
    return errorCode(err) === 'EPERM'
  }
}

function lockedError(dir: string, pid: number): SpoolLockedError {
  const message = `spool ${dir} is in use by process ${pid}; run one Forewarn per data directory `
    + `(if no other Forewarn runs, delete ${join(dir, LOCK_FILE)})`
  return new SpoolLockedError(message, { details: { dir, pid } })
}

export function errorCode(err: unknown): string | undefined {
  const code: unknown = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
