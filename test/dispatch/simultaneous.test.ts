import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeDispatch, tempDir } from './fixtures.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SIGNAL_WRITER = fileURLToPath(new URL('./signal-writer.ts', import.meta.url))

/** Runs one signal-writer per signal id, releases them together, and returns what each reported. */
async function raceSignals(dataDir: string, dbFile: string, signalIds: string[]): Promise<Array<string | null>> {
  const barrier = join(dataDir, 'barrier')
  let failed: Error | null = null
  const runs = signalIds.map((signalId, slot) => new Promise<string | null>((resolve, reject) => {
    const args = ['--import', 'tsx', SIGNAL_WRITER, dataDir, dbFile, barrier, String(slot), signalId]
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code === 0) return resolve((JSON.parse(out) as { workOrderId: string | null }).workOrderId)
      failed = new Error(`signal writer ${signalId} exited with ${code}`)
      reject(failed)
    })
  }))
  // A writer that dies before it is ready fails the race at once instead of leaving it waiting.
  while (!signalIds.every((_id, slot) => existsSync(`${barrier}.${slot}.ready`))) {
    if (failed !== null) return Promise.all(runs)
    await sleep(5)
  }
  writeFileSync(`${barrier}.go`, '')
  return Promise.all(runs)
}

describe('simultaneous signals in two processes on one database', () => {
  let tmp: ReturnType<typeof tempDir>
  let dbFile: string

  beforeEach(() => {
    tmp = tempDir()
    dbFile = join(tmp.dir, 'dispatch.sqlite')
  })

  afterEach(() => tmp.remove())

  it('opens one work order for two different signals about the same problem', async () => {
    const reported = await raceSignals(tmp.dir, dbFile, ['sig-left', 'sig-right'])

    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile })
    await dispatch.start()
    const { items } = dispatch.listWorkOrders()
    const notices = dispatch.listNotices()
    await dispatch.stop()
    expect(items.map((w) => [w.id, [...w.signalIds].sort()])).toEqual([[items[0]?.id, ['sig-left', 'sig-right']]])
    expect(reported).toEqual([items[0]?.id, items[0]?.id])
    expect(notices.map((n) => n.template)).toEqual(['visit-scheduled'])
  })

  it('acts once on the same signal delivered to both at the same moment', async () => {
    const reported = await raceSignals(tmp.dir, dbFile, ['sig-twice', 'sig-twice'])

    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dbFile })
    await dispatch.start()
    const { items } = dispatch.listWorkOrders()
    await dispatch.stop()
    expect(items.map((w) => w.signalIds)).toEqual([['sig-twice']])
    expect([...reported].sort()).toEqual([items[0]?.id, null].sort())
  })
})
