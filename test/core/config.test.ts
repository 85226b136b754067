import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeConfig, envName, loadConfig, type LoadConfigOptions } from '../../core/index.js'

describe('loadConfig', () => {
  it('needs nothing installed by default: embedded telemetry store and file mail', () => {
    const config = loadConfig({ env: {} })
    expect(config.influx.url).toBe('')
    expect(config.smtp.url).toBe('')
    expect(config.mqtt.port).toBe(1883)
    expect(config.http.port).toBe(8080)
  })

  it('reads FOREWARN_<SECTION>_<KEY> variables and coerces numbers', () => {
    const config = loadConfig({
      env: { FOREWARN_HTTP_PORT: '9999', FOREWARN_INFLUX_FLUSH_INTERVAL_MS: '250', FOREWARN_DATA_DIR: '/tmp/x' },
    })
    expect([config.http.port, config.influx.flushIntervalMs, config.data.dir]).toEqual([9999, 250, '/tmp/x'])
  })

  it('lets the environment win over the config file, and the file over defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-config-'))
    const file = join(dir, 'forewarn.json')
    writeFileSync(file, JSON.stringify({ http: { port: 7000 }, mqtt: { port: 7001 } }))
    const config = loadConfig({ env: { FOREWARN_CONFIG_FILE: file, FOREWARN_MQTT_PORT: '7002' } })
    expect([config.http.port, config.mqtt.port]).toEqual([7000, 7002])
  })

  it('reports every invalid key at once with its variable name', () => {
    const attempt = () => loadConfig({ env: { FOREWARN_HTTP_PORT: 'eighty', FOREWARN_INFLUX_URL: 'not a url' } })
    expect(attempt).toThrow(expect.objectContaining({
      code: 'FW_ERR_CFG_INVALID',
      details: {
        issues: expect.arrayContaining([
          expect.objectContaining({ key: 'http.port', env: 'FOREWARN_HTTP_PORT' }),
          expect.objectContaining({ key: 'influx.url', env: 'FOREWARN_INFLUX_URL' }),
        ]),
      },
    }))
  })

  it('refuses an unreadable config file with a coded error', () => {
    expect(() => loadConfig({ env: {}, file: '/nonexistent/forewarn.json' }))
      .toThrow(expect.objectContaining({ code: 'FW_ERR_CFG_INVALID' }))
  })

  it('says a named config file does not exist, with its absolute path and who named it', () => {
    const attempt = () => loadConfig({ env: { FOREWARN_CONFIG_FILE: 'missing-forewarn.json' } })
    const message = /config file missing-forewarn\.json \(\/.*missing-forewarn\.json\), named by FOREWARN_CONFIG_FILE, /
    expect(attempt).toThrow(message)
    expect(attempt).toThrow(/does not exist$/)
  })

  it('points at the line and column of a JSON syntax error, and refuses JSON that is not an object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-config-'))
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{\n  "http": { "port": 7000, }\n}\n')
    expect(() => loadConfig({ env: {}, file: broken })).toThrow(/is not valid JSON: .*\(line 2, column \d+\)/)
    const list = join(dir, 'list.json')
    writeFileSync(list, '[1, 2]')
    expect(() => loadConfig({ env: {}, file: list })).toThrow(/holds an array, not a JSON object of sections/)
  })

  it('refuses an unknown key in the file, suggesting the key it was probably meant to be', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-config-'))
    const file = join(dir, 'forewarn.json')
    writeFileSync(file, JSON.stringify({ http: { prot: 7000 }, influks: {}, mqtt: { level: 'debug' } }))
    const attempt = () => loadConfig({ env: {}, file })
    expect(attempt).toThrow(expect.objectContaining({
      code: 'FW_ERR_CFG_INVALID',
      details: {
        issues: expect.arrayContaining([
          { key: 'http.prot', from: 'config file', message: 'unknown key; did you mean http.port?' },
          { key: 'influks', from: 'config file', message: 'unknown key; did you mean influx?' },
          { key: 'mqtt.level', from: 'config file', message: 'unknown key; did you mean log.level?' },
        ]),
      },
    }))
  })

  it('refuses a FOREWARN_ variable no setting reads, and accepts the ones read outside the settings', () => {
    const attempt = () => loadConfig({ env: { FOREWARN_HTTP_PROT: '9000', FOREWARN_NOTHING_AT_ALL: '1' } })
    expect(attempt).toThrow(expect.objectContaining({
      details: {
        issues: [
          { env: 'FOREWARN_HTTP_PROT', message: 'no setting uses this variable; did you mean FOREWARN_HTTP_PORT?' },
          { env: 'FOREWARN_NOTHING_AT_ALL', message: 'no setting uses this variable' },
        ],
      },
    }))
    expect(() => loadConfig({ env: { FOREWARN_DATASETS_DIR: '/data', OTHER_PROGRAM_PORT: '1' } })).not.toThrow()
  })

  it('refuses unknown keys in overrides as well', () => {
    // A caller without type checking (a JavaScript script) can pass anything.
    const overrides = { api: { adminKeys: 'x' } } as unknown as LoadConfigOptions['overrides']
    expect(() => loadConfig({ env: {}, overrides }))
      .toThrow(/api\.adminKeys \(overrides\): unknown key; did you mean api\.adminKey\?/)
  })

  it('returns a deep-frozen object', () => {
    const config = loadConfig({ env: {} })
    expect(Object.isFrozen(config) && Object.isFrozen(config.influx)).toBe(true)
  })
})

describe('describeConfig', () => {
  it('lists every key with its environment variable and default', () => {
    const entries = describeConfig()
    expect(entries).toContainEqual({ key: 'influx.flushIntervalMs', env: 'FOREWARN_INFLUX_FLUSH_INTERVAL_MS', default: 1000 })
    expect(entries.every((e) => e.env === envName(...(e.key.split('.') as [string, string])))).toBe(true)
  })
})

describe('docs/configuration.md', () => {
  it('documents every configuration variable', async () => {
    const { readFileSync } = await import('node:fs')
    const doc = readFileSync('docs/configuration.md', 'utf8')
    expect(describeConfig().filter((e) => !doc.includes(`\`${e.env}\``))).toEqual([])
  })
})
