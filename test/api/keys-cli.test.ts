import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiKeyStore } from '../../api/index.js'

const run = promisify(execFile)

/** `npm run keys`, on the same key file the service reads. */
describe('the keys command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'forewarn-keys-'))
  const env = { ...process.env, FOREWARN_DATA_DIR: dataDir, FOREWARN_FLEET_FILE: 'fleet/sample.json' }
  const keys = async (...args: string[]) => run('npx', ['tsx', 'app/cli/keys.ts', ...args], { env })

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('creates a key the service accepts, lists it without its secret, and revokes it', async () => {
    const created = JSON.parse((await keys('create', '--role', 'customer', '--name', 'crm', '--customer', 'acme-water', '--json')).stdout) as
      { id: string, key: string }
    const listed = (await keys('list', '--json')).stdout
    await keys('revoke', created.id)

    const store = new ApiKeyStore(join(dataDir, 'api-keys.sqlite'))
    try {
      expect(listed).toContain(created.id)
      expect(listed).not.toContain(created.key.slice(17))
      expect(store.get(created.id)).toMatchObject({ role: 'customer', customerId: 'acme-water', revokedAt: expect.any(String) })
      expect(store.authenticate(created.key)).toBeUndefined()
    } finally {
      store.close()
    }
  })

  it('refuses a customer the fleet does not know, with exit code 2 and the reason', async () => {
    const failed = await keys('create', '--role', 'customer', '--name', 'x', '--customer', 'cust-nobody').then(
      () => expect.fail('the command succeeded'), (err: { code: number, stderr: string }) => err)

    expect(failed.code).toBe(2)
    expect(failed.stderr).toContain('--customer: no customer cust-nobody')
  })
}, 60_000)
