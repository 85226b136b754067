import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeFrame, framePayload, type Position } from '../../ingest/spool-frame.js'
import { SpoolLog } from '../../ingest/spool-log.js'
import { memoryLogger } from './fixtures.js'
import { crashCopy, tempDir } from './spool-helpers.js'

function spoolLog(dir: string, segmentBytes = 1_000_000) {
  const corrupt: number[] = []
  const { logger, records } = memoryLogger()
  const log = new SpoolLog({ dir, segmentBytes, logger, onCorruption: (bytes) => corrupt.push(bytes) })
  return { log, corrupt, records }
}

async function readAll(log: SpoolLog, from: Position): Promise<string[]> {
  const payloads: string[] = []
  for (let position = from; ;) {
    const { run, next } = await log.read(position, 64)
    payloads.push(...run.ends.map((_, i) => framePayload(run, i).toString()))
    if (next.segment === position.segment && next.offset === position.offset) return payloads
    position = next
  }
}

const segments = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.seg'))

describe('SpoolLog', () => {
  it('reads back appended frames in order, across segments', async () => {
    const { log } = spoolLog(tempDir(), 40)
    const { cursor } = await log.open()

    for (const text of ['a', 'bb', 'ccc', 'dddd', 'eeeee']) await log.append(encodeFrame(text.repeat(10)))

    expect(await readAll(log, cursor)).toEqual(['a', 'bb', 'ccc', 'dddd', 'eeeee'].map((t) => t.repeat(10)))
    expect(log.pendingBytes()).toBe(5 * 8 + 150)
    await log.close()
  })

  it('starts the next run at the saved cursor and deletes segments wholly before it', async () => {
    const dir = tempDir()
    const first = spoolLog(dir, 30)
    await first.log.open()
    const starts: Position[] = []
    for (const text of ['one', 'two', 'three']) starts.push(await first.log.append(encodeFrame(text.repeat(10))))
    first.log.commit(starts[2] as Position)
    await first.log.close()

    const second = spoolLog(dir)
    const opened = await second.log.open()

    expect(await readAll(second.log, opened.cursor)).toEqual(['three'.repeat(10)])
    expect(opened.pendingBytes).toBe(8 + 50)
    expect(segments(dir)).toHaveLength(2)
    await second.log.close()
  })

  it('cuts off a frame torn by a crash and keeps every whole frame before it', async () => {
    const dir = tempDir()
    const { log } = spoolLog(dir)
    await log.open()
    await log.append(encodeFrame('kept'))
    const torn = crashCopy(dir)
    const last = segments(torn).sort().at(-1) as string
    appendFileSync(join(torn, last), encodeFrame('torn').subarray(0, 10))

    const reopened = spoolLog(torn)
    const opened = await reopened.log.open()

    expect(await readAll(reopened.log, opened.cursor)).toEqual(['kept'])
    expect(reopened.records.find((r) => r.msg === 'spool tail torn by a crash was cut off')).toMatchObject({ bytes: 10 })
    await Promise.all([log.close(), reopened.log.close()])
  })

  it('skips frames whose checksum fails in a finished segment and counts their bytes', async () => {
    const dir = tempDir()
    const { log } = spoolLog(dir, 20)
    await log.open()
    await log.append(encodeFrame('first-frame-000'))
    await log.append(encodeFrame('second-frame-00'))
    await log.close()
    const file = join(dir, segments(dir).sort()[0] as string)
    const bytes = readFileSync(file)
    bytes[8 + 8] = 0x21
    writeFileSync(file, bytes)

    const reopened = spoolLog(dir, 20)
    const opened = await reopened.log.open()

    expect(await readAll(reopened.log, opened.cursor)).toEqual(['second-frame-00'])
    expect(reopened.corrupt).toEqual([23])
    await reopened.log.close()
  })

  it('refuses a second owner of the same directory while the first has it open', async () => {
    const dir = tempDir()
    const { log } = spoolLog(dir)
    await log.open()

    await expect(spoolLog(dir).log.open()).rejects.toMatchObject({ code: 'FW_ERR_ING_SPOOL_LOCKED' })
    await log.close()
    expect(existsSync(join(dir, 'lock'))).toBe(false)
  })

  it('takes over a lock left by a process that no longer runs', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'lock'), '2147483646')
    const { log } = spoolLog(dir)

    await expect(log.open()).resolves.toMatchObject({ pendingBytes: 0 })
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(String(process.pid))
    await log.close()
  })
})
