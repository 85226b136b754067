import { readFileSync } from 'node:fs'
import { hashSecret, parseFleet, type Fleet, type FleetData } from '../../core/index.js'

/** The four metrics of every benchmark message ("50,000 messages/s of 4 metrics each"). */
export const BENCH_METRICS = ['motor_current', 'winding_temp', 'vibration_rms', 'bearing_temp']

const SECRET = 'bench-device-secret'

export interface BenchFleet {
  fleet: Fleet
  credentials: Array<{ id: string, secret: string }>
}

/**
 * The sample fleet plus `devices` benchmark motors, one device each, reporting every second.
 * All share one secret, hashed once: scrypt per device would take longer than the run.
 */
export function benchFleet(devices: number): BenchFleet {
  const data = JSON.parse(readFileSync('fleet/sample.json', 'utf8')) as FleetData
  const site = data.sites[0]
  const owner = data.planners[0]
  if (site === undefined || owner === undefined) throw new Error('fleet/sample.json has no site or planner')

  const metric = { unit: 'x', failureLimit: 900, direction: 'above' as const, physicalMin: 0, physicalMax: 1_000 }
  const metrics = BENCH_METRICS.map((name) => [name, { ...metric, failureMode: `${name}_fault` }])
  data.equipmentTypes['bench-motor'] = {
    name: 'Benchmark motor', skill: 'bench', reportIntervalSeconds: 1, metrics: Object.fromEntries(metrics),
  }
  const secretHash = hashSecret(SECRET)
  const ids = Array.from({ length: devices }, (_, i) => String(i + 1).padStart(5, '0'))
  for (const n of ids) {
    const assetId = `bench-motor-${n}`
    data.assets.push({
      id: assetId, name: `Benchmark motor ${n}`, siteId: site.id, equipmentType: 'bench-motor', ownerId: owner.id,
    })
    data.devices.push({ id: `bench-dev-${n}`, assetId, secretHash })
  }
  return { fleet: parseFleet(data), credentials: ids.map((n) => ({ id: `bench-dev-${n}`, secret: SECRET })) }
}
