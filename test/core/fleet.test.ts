import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadFleet, parseFleet, type FleetData } from '../../core/index.js'

const sample = (): FleetData => JSON.parse(readFileSync('fleet/sample.json', 'utf8')) as FleetData

describe('fleet', () => {
  it('loads the sample fleet with at least three equipment types that have failure limits', () => {
    const fleet = loadFleet('fleet/sample.json')
    const typesWithLimits = Object.values(fleet.data.equipmentTypes)
      .filter((type) => Object.values(type.metrics).some((m) => m.failureLimit !== undefined))
    expect(typesWithLimits.length).toBeGreaterThanOrEqual(3)
    expect(fleet.assetTags('pump-01')).toEqual({
      siteId: 'acme-north-station', customerId: 'acme-water', equipmentType: 'pump',
    })
  })

  it('refuses a reference to an unknown site, naming it', () => {
    const data = sample()
    data.assets[0] = { ...data.assets[0], siteId: 'nowhere' } as FleetData['assets'][number]
    expect(() => parseFleet(data)).toThrow(/asset pump-01: unknown site nowhere/)
  })

  it('refuses duplicate ids', () => {
    const data = sample()
    data.devices.push({ ...data.devices[0] } as FleetData['devices'][number])
    expect(() => parseFleet(data)).toThrow(expect.objectContaining({ code: 'FW_ERR_CFG_FLEET_INVALID' }))
  })

  it('refuses ids that are not safe topic levels and unknown time zones', () => {
    const data = sample()
    const device = data.devices[0] as FleetData['devices'][number]
    device.id = 'dev/+/#'
    ;(data.customers[0] as FleetData['customers'][number]).timeZone = 'Mars/Olympus'
    const message = (() => {
      try {
        parseFleet(data)
        return ''
      } catch (err: unknown) {
        return err instanceof Error ? err.message : ''
      }
    })()
    expect(message).toMatch(/devices\.0\.id/)
    expect(message).toMatch(/customers\.0\.timeZone/)
  })

  it('stores device secrets only as scrypt hashes', () => {
    const text = readFileSync('fleet/sample.json', 'utf8')
    const secrets = Object.values(JSON.parse(readFileSync('fleet/sample-credentials.json', 'utf8')) as object)
    expect(secrets.some((secret) => text.includes(String(secret)))).toBe(false)
  })
})
