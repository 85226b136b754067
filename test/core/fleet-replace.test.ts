import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createLogger, loadConfig, loadServiceFleet, parseFleet, saveFleetFile, type FleetData, type FleetUpdate,
} from '../../core/index.js'
import { buildTestFleet } from '../helpers/test-fleet.js'

const NONE = { added: [], removed: [], changed: [] }

function testData(): FleetData {
  return structuredClone(buildTestFleet().fleet.data)
}

describe('Fleet.replace', () => {
  it('swaps every lookup at once and tells listeners what changed', () => {
    const fleet = parseFleet(testData())
    const updates: FleetUpdate[] = []
    fleet.onChange((update) => updates.push(update))
    const next = testData()
    next.devices = next.devices.filter((d) => d.id !== 'dev-comp-2')
    next.technicians[0] = { ...next.technicians[0] as FleetData['technicians'][number], name: 'Renamed' }
    const update = fleet.replace(next)

    expect(fleet.device('dev-comp-2')).toBeUndefined()
    expect(fleet.technician('tech-north')?.name).toBe('Renamed')
    expect(fleet.data).toBe(next)
    expect(updates).toEqual([update])
    expect(update.changes).toMatchObject({
      devices: { added: [], removed: ['dev-comp-2'], changed: [] },
      technicians: { added: [], removed: [], changed: ['tech-north'] },
      customers: NONE, assets: NONE,
    })
    expect(update.revoked).toEqual([{ deviceId: 'dev-comp-2', reason: 'removed' }])
  })

  it('changes nothing when the new fleet is inconsistent, and lists every problem', () => {
    const fleet = parseFleet(testData())
    const before = fleet.data
    const next = testData()
    next.devices[0] = { ...next.devices[0] as FleetData['devices'][number], assetId: 'ghost' }
    next.assets[1] = { ...next.assets[1] as FleetData['assets'][number], equipmentType: 'constructor' }

    expect(() => fleet.replace(next)).toThrow(expect.objectContaining({
      code: 'FW_ERR_CFG_FLEET_INVALID',
      details: expect.objectContaining({
        problems: ['asset compressor-1: unknown equipment type constructor', 'device dev-pump-1: unknown asset ghost'],
      }),
    }))
    expect(fleet.data).toBe(before)
    expect(fleet.device('dev-pump-1')?.assetId).toBe('pump-1')
  })

  it('changes nothing when the commit step throws', () => {
    const fleet = parseFleet(testData())
    const next = testData()
    next.devices = []
    let told = false
    fleet.onChange(() => {
      told = true
    })
    const failingSave = (): void => {
      throw new Error('disk full')
    }

    expect(() => fleet.replace(next, failingSave)).toThrow('disk full')
    expect(fleet.data.devices).toHaveLength(4)
    expect(told).toBe(false)
  })

  it('names a disabled device and a changed secret hash as revoked, and stops telling a removed listener', () => {
    const fleet = parseFleet(testData())
    const updates: FleetUpdate[] = []
    const stop = fleet.onChange((update) => updates.push(update))
    const next = testData()
    next.devices = next.devices.map((d) => {
      if (d.id === 'dev-pump-1') return { ...d, disabled: true }
      return d.id === 'dev-elev-1' ? { ...d, secretHash: 'scrypt$c2FsdA==$aGFzaA==' } : d
    })
    const update = fleet.replace(next)
    stop()
    fleet.replace(testData())

    expect(update.revoked).toEqual([
      { deviceId: 'dev-pump-1', reason: 'disabled' }, { deviceId: 'dev-elev-1', reason: 'secret_changed' },
    ])
    expect(updates).toHaveLength(1)
  })
})

describe('saveFleetFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-fleet-file-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes the fleet readable by its owner only, and leaves no temporary file', () => {
    const file = join(dir, 'fleet.json')
    const data = testData()
    saveFleetFile(file, data)
    data.devices.pop()
    saveFleetFile(file, data)

    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(data)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['fleet.json'])
  })

  it('names the saved fleet file when it is broken, rather than falling back to the seed', () => {
    const dataDir = join(dir, 'data')
    mkdirSync(dataDir)
    const data = testData()
    data.devices[0] = { ...data.devices[0] as FleetData['devices'][number], assetId: 'ghost' }
    writeFileSync(join(dataDir, 'fleet.json'), JSON.stringify(data))
    const config = loadConfig({ env: {}, overrides: { data: { dir: dataDir } } })

    expect(() => loadServiceFleet(config, createLogger({ level: 'silent' }))).toThrow(expect.objectContaining({
      code: 'FW_ERR_CFG_FLEET_INVALID',
      message: expect.stringContaining(`${join(dataDir, 'fleet.json')}: fleet is inconsistent: device dev-pump-1: unknown asset ghost`),
    }))
  })
})
