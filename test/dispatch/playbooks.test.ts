import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { loadFleet, type Severity } from '../../core/index.js'
import {
  SIGNAL_KINDS, loadPlaybooks, parsePlaybooks, selectPlaybook,
} from '../../dispatch/index.js'
import { escalationChain } from '../../dispatch/playbooks.js'
import { makeDispatch, makeSignal, tempDir, testFleet } from './fixtures.js'

const SHIPPED = 'fleet/playbooks.json'
const shipped = (): { version: number, playbooks: Array<Record<string, unknown>> } =>
  JSON.parse(readFileSync(SHIPPED, 'utf8')) as { version: number, playbooks: Array<Record<string, unknown>> }

describe('playbook file', () => {
  it('ships a valid file that gives every signal kind, severity and sample equipment type a playbook', () => {
    const set = loadPlaybooks(SHIPPED)
    const fleet = loadFleet('fleet/sample.json')
    const severities: Severity[] = ['info', 'warning', 'critical']

    const combinations = SIGNAL_KINDS.flatMap((kind) => severities.flatMap((severity) =>
      Object.keys(fleet.data.equipmentTypes).map((type) => selectPlaybook(set, { kind, severity }, type).name)))
    expect(combinations).toHaveLength(SIGNAL_KINDS.length * 3 * 4)
    expect(new Set(combinations)).toEqual(new Set(set.playbooks.map((p) => p.name)))
  })

  it('picks the first match in file order: severity and equipment type before the catch-all', () => {
    const set = loadPlaybooks(SHIPPED)

    expect([
      selectPlaybook(set, { kind: 'degradation', severity: 'critical' }, 'pump').name,
      selectPlaybook(set, { kind: 'degradation', severity: 'warning' }, 'elevator').name,
      selectPlaybook(set, { kind: 'degradation', severity: 'warning' }, 'pump').name,
    ]).toEqual(['critical-degradation-urgent-repair', 'elevator-door-service', 'degradation-preventive-repair'])
  })

  it('refuses a file that leaves a signal kind without a catch-all, listing every problem', () => {
    const file = shipped()
    file.playbooks = file.playbooks.filter((p) => !['sensor-check', 'silent-device-check'].includes(String(p.name)))

    expect(() => parsePlaybooks(file)).toThrow(expect.objectContaining({
      code: 'FW_ERR_DSP_PLAYBOOKS_INVALID',
      details: {
        source: 'playbooks',
        problems: [
          '(file): signal kind sensor_fault has no catch-all playbook (one without severities or equipmentTypes)',
          '(file): signal kind silent_device has no catch-all playbook (one without severities or equipmentTypes)',
        ],
      },
    }))
  })

  it('names the path of a field that fails the schema', () => {
    const file = shipped()
    file.playbooks[0] = { ...file.playbooks[0], action: 'pray', colour: 'red' }

    expect(() => parsePlaybooks(file)).toThrow(expect.objectContaining({
      details: expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/^playbooks\.0: Unrecognized key: "colour"/),
          expect.stringMatching(/^playbooks\.0\.action: Invalid option/),
        ]),
      }),
    }))
  })

  it('stops dispatch from starting with an invalid file', async () => {
    const tmp = tempDir()
    onTestFinished(() => tmp.remove())
    const file = join(tmp.dir, 'playbooks.json')
    writeFileSync(file, '{ "version": 1, "playbooks": [] }')
    const { dispatch } = makeDispatch({ dataDir: tmp.dir, dispatch: { playbooksFile: file } })

    await expect(dispatch.start()).rejects.toMatchObject({ code: 'FW_ERR_DSP_PLAYBOOKS_INVALID' })
    expect(dispatch.isReady()).toBe(false)
  })

  it('resolves the escalation chain to people, skipping roles nobody holds', () => {
    const fleet = testFleet()
    const playbook = loadPlaybooks(SHIPPED).playbooks.find((p) => p.name === 'degradation-preventive-repair')
    const asset = fleet.asset('pump-1')
    if (playbook === undefined || asset === undefined) throw new Error('fixture missing')

    expect(escalationChain(fleet, { ...playbook, escalation: { ...playbook.escalation, chain: ['night-desk', 'duty-manager', 'service-director'] } }, asset)
      .map((p) => p.id)).toEqual(['planner-ana', 'planner-ben', 'planner-cleo'])
  })
})

describe('playbooks in dispatch', () => {
  it('books a remote check with any skilled technician regardless of site, and tells the customer nothing', async () => {
    const tmp = tempDir()
    onTestFinished(() => tmp.remove())
    const { dispatch } = makeDispatch({ dataDir: tmp.dir })
    await dispatch.start()
    const workOrder = dispatch.handleSignal(makeSignal({
      kind: 'silent_device', failureMode: 'connectivity', predictedFailure: null, severity: 'warning',
    }))
    const notices = dispatch.listNotices()
    await dispatch.stop()

    // tech-south covers only site-south, but works around the clock: for remote work that counts.
    expect(workOrder).toMatchObject({ playbook: 'silent-device-check', technicianId: 'tech-south', status: 'scheduled' })
    expect(notices).toEqual([])
  })
})
