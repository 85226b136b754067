import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEmbeddedStore } from '../../ingest/index.js'
import { T0, reading } from './fixtures.js'
import { describeStoreBehaviour, pump1 } from './store-behaviour.js'

const dir = mkdtempSync(join(tmpdir(), 'forewarn-embedded-'))
let files = 0

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function freshFile(): string {
  files += 1
  return join(dir, `nested-${files}`, 'telemetry.sqlite')
}

describeStoreBehaviour('embedded (SQLite)', {
  async fresh() {
    const store = createEmbeddedStore({ file: freshFile() })
    await store.open()
    return store
  },
})

describe('createEmbeddedStore', () => {
  it('keeps stored points across close and reopen', async () => {
    const file = freshFile()
    const first = createEmbeddedStore({ file })
    await first.open()
    await first.write([reading(0, 1.5), reading(1_000, 2.5)])
    await first.close()

    const second = createEmbeddedStore({ file })
    await second.open()
    const points = await second.query(pump1(T0, T0 + 2_000))
    await second.close()

    expect(points).toEqual([{ time: T0, value: 1.5 }, { time: T0 + 1_000, value: 2.5 }])
  })

  it('reports FW_ERR_ING_STORE_UNAVAILABLE and a failed ping when not open', async () => {
    const store = createEmbeddedStore({ file: freshFile() })

    await expect(store.write([reading(0, 1)]))
      .rejects.toMatchObject({ code: 'FW_ERR_ING_STORE_UNAVAILABLE' })
    expect(await store.ping()).toBe(false)
  })

  it('reports FW_ERR_ING_STORE_UNAVAILABLE naming the file when it cannot be opened', async () => {
    const file = join(dir, 'not-a-directory')
    writeFileSync(file, 'plain file')
    const store = createEmbeddedStore({ file: join(file, 'telemetry.sqlite') })

    await expect(store.open()).rejects.toMatchObject({
      code: 'FW_ERR_ING_STORE_UNAVAILABLE', details: { file: join(file, 'telemetry.sqlite') },
    })
  })

  it('stores times at millisecond precision, rounding fractions', async () => {
    const store = createEmbeddedStore({ file: freshFile() })
    await store.open()
    await store.write([reading(0.4, 1), reading(999.6, 2)])

    const points = await store.query(pump1(T0, T0 + 2_000))
    await store.close()

    expect(points).toEqual([{ time: T0, value: 1 }, { time: T0 + 1_000, value: 2 }])
  })
})
