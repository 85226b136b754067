import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { errorLine } from '../../app/cli/args.js'
import { createService } from '../../app/service.js'
import { createLogger, loadConfig } from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function takenPort(): Promise<number> {
  const blocker: Server = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  const address = blocker.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('a service whose HTTP port is taken', () => {
  it('refuses to start with FW_ERR_HTTP_LISTEN_FAILED, names the setting and closes what it opened', async () => {
    const port = await takenPort()
    const dataDir = mkdtempSync(join(tmpdir(), 'forewarn-listen-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const config = loadConfig({ env: {}, overrides: { data: { dir: dataDir }, mqtt: { port: 0 }, http: { port } } })
    const service = createService({ config, fleet: buildTestFleet().fleet, logger: createLogger({ level: 'silent' }) })

    const failure: unknown = await service.start().then(() => null, (err: unknown) => err)

    expect(failure).toMatchObject({ code: 'FW_ERR_HTTP_LISTEN_FAILED', details: { host: '127.0.0.1', port } })
    expect(errorLine(failure)).toMatch(
      new RegExp(`^FW_ERR_HTTP_LISTEN_FAILED: the HTTP API could not listen on 127.0.0.1:${port} \\(http.host, http.port\\): .*EADDRINUSE`))
    // The broker it had opened is closed again, and the spool's lock is released: a second
    // service on the same data directory starts.
    expect(() => service.gateway.url).toThrow()
    const retry = createService({
      config: loadConfig({ env: {}, overrides: { data: { dir: dataDir }, mqtt: { port: 0 }, http: { port: 0 } } }),
      fleet: buildTestFleet().fleet,
      logger: createLogger({ level: 'silent' }),
    })
    await retry.start()
    await retry.stop()
  })
})

describe('errorLine', () => {
  it('adds the cause of a coded error, once', () => {
    const cause = new Error('listen EADDRINUSE: address already in use 127.0.0.1:1883')
    const coded = Object.assign(new Error('MQTT could not listen on 127.0.0.1:1883', { cause }), { code: 'FW_ERR_GW_LISTEN_FAILED' })
    expect(errorLine(coded)).toBe(`FW_ERR_GW_LISTEN_FAILED: MQTT could not listen on 127.0.0.1:1883: ${cause.message}`)
    const repeated = Object.assign(new Error(`bad: ${cause.message}`, { cause }), { code: 'FW_ERR_X' })
    expect(errorLine(repeated)).toBe(`FW_ERR_X: bad: ${cause.message}`)
    expect(errorLine('plain')).toBe('FW_ERR_UNKNOWN: plain')
  })
})
