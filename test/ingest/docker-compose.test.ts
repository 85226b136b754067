import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { describeConfig, loadConfig } from '../../core/index.js'

/**
 * No Docker engine runs here, so docker-compose.yml is checked for what would break a user's
 * `docker compose up` silently: variables Forewarn does not read, a configuration it refuses,
 * credentials that differ between Forewarn and the InfluxDB it talks to, and references to
 * services or volumes that do not exist.
 */
interface Service {
  image?: string
  environment?: Record<string, string>
  depends_on?: string[] | Record<string, unknown>
  volumes?: string[]
  profiles?: string[]
  command?: string[]
}

interface Compose {
  services: Record<string, Service>
  volumes?: Record<string, unknown>
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as Compose
const { services } = compose

/** Compose's `${NAME:-default}` with nothing set in the environment: the default. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')
}

function environment(service: Service | undefined): Record<string, string> {
  const env = service?.environment ?? {}
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, interpolate(String(value))]))
}

const forewarnServices = Object.entries(services).filter(([, service]) =>
  Object.keys(service.environment ?? {}).some((key) => key.startsWith('FOREWARN_')))

describe('docker-compose.yml', () => {
  it('has a Forewarn service for InfluxDB 2.x by default and one for 3.x under a profile', () => {
    expect(forewarnServices.map(([name, service]) => [name, service.profiles ?? []])).toEqual([
      ['forewarn', []], ['forewarn-influxdb3', ['influxdb3']],
    ])
    expect(services.influxdb?.image).toMatch(/^influxdb:2\./)
    expect(services.influxdb3?.image).toMatch(/^influxdb:3-/)
  })

  it('sets only variables Forewarn reads, and a configuration it accepts', () => {
    const known = new Set([...describeConfig().map((entry) => entry.env), 'FOREWARN_CONFIG_FILE'])

    for (const [, service] of forewarnServices) {
      const env = environment(service)
      expect(Object.keys(env).filter((key) => !known.has(key))).toEqual([])
      expect(() => loadConfig({ env })).not.toThrow()
    }
  })

  it('points Forewarn at the InfluxDB service it depends on, with that service\'s org, bucket and token', () => {
    const forewarn = loadConfig({ env: environment(services.forewarn) })
    const influx2 = environment(services.influxdb)
    const forewarn3 = loadConfig({ env: environment(services['forewarn-influxdb3']) })

    expect(new URL(forewarn.influx.url).hostname).toBe('influxdb')
    expect(services.forewarn?.depends_on).toHaveProperty('influxdb')
    expect(forewarn.influx).toMatchObject({
      version: '2',
      org: influx2.DOCKER_INFLUXDB_INIT_ORG,
      bucket: influx2.DOCKER_INFLUXDB_INIT_BUCKET,
      token: influx2.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN,
    })
    expect(new URL(forewarn3.influx.url).hostname).toBe('influxdb3')
    expect(new URL(forewarn3.influx.url).port).toBe('8181')
    expect(services['forewarn-influxdb3']?.depends_on).toContain('influxdb3')
    expect(forewarn3.influx.version).toBe('3')
  })

  it('listens on all interfaces inside the container and keeps data, spool included, on a volume', () => {
    for (const [, service] of forewarnServices) {
      const config = loadConfig({ env: environment(service) })
      const mounts = (service.volumes ?? []).map((volume) => volume.split(':')[1])

      expect([config.http.host, config.mqtt.host]).toEqual(['0.0.0.0', '0.0.0.0'])
      expect(mounts).toContain(config.data.dir)
      expect(config.spool.dir).toBe('')
    }
  })

  it('names only volumes it declares and only services it defines', () => {
    const declared = Object.keys(compose.volumes ?? {})
    const named = Object.values(services).flatMap((service) => (service.volumes ?? [])
      .map((volume) => volume.split(':')[0] ?? '')
      .filter((source) => !source.startsWith('.') && !source.startsWith('/')))
    const dependencies = Object.values(services).flatMap((service) => Array.isArray(service.depends_on)
      ? service.depends_on
      : Object.keys(service.depends_on ?? {}))

    expect([...new Set(named)].sort()).toEqual([...declared].sort())
    expect(dependencies.filter((name) => services[name] === undefined)).toEqual([])
  })
})
