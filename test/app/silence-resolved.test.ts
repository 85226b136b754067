import { describe, expect, it } from 'vitest'
import { AssetBoard } from '../../app/asset-board.js'
import { cancelResolvedSilence } from '../../app/silence-resolved.js'
import { createLogger, type DeviceEvent, type Fleet } from '../../core/index.js'
import type { WorkOrderCommand, WorkOrderFilter, WorkOrderView } from '../../dispatch/index.js'

const tags = { customerId: 'c', siteId: 's', equipmentType: 'pump' }
const event = (deviceId: string, kind: DeviceEvent['kind'], time: number): DeviceEvent =>
  ({ deviceId, assetId: 'pump-1', kind, time, tags })

/** Two devices report for pump-1; dispatch is a fake holding one work order per status asked. */
function setUp(statuses: Array<WorkOrderView['status']>) {
  const fleet = { deviceIdsOf: (assetId: string) => (assetId === 'pump-1' ? ['dev-a', 'dev-b'] : []) } as unknown as Fleet
  const workOrders = statuses.map((status, i) => ({ id: `wo-${i}`, assetId: 'pump-1', failureMode: 'telemetry_lost', status }))
  const commands: Array<[string, WorkOrderCommand]> = []
  const dispatch = {
    listWorkOrders: (filter: WorkOrderFilter) => {
      expect(filter).toMatchObject({ assetId: 'pump-1', status: 'open' })
      return { items: workOrders as unknown as WorkOrderView[], total: workOrders.length }
    },
    command: (id: string, command: WorkOrderCommand) => {
      commands.push([id, command])
      return {} as WorkOrderView
    },
  }
  const board = new AssetBoard()
  return { deps: { fleet, dispatch, board, logger: createLogger({ level: 'silent' }) }, board, commands }
}

describe('a silent device that reports again', () => {
  it('cancels the connectivity visit nobody is on the way to yet, and leaves a dispatched one', () => {
    const { deps, board, commands } = setUp(['proposed', 'scheduled', 'dispatched'])
    board.observeEvent(event('dev-a', 'silent', 1))
    board.observeEvent(event('dev-a', 'resumed', 2))

    const cancelled = cancelResolvedSilence(event('dev-a', 'resumed', 2), deps)

    expect(cancelled).toEqual(['wo-0', 'wo-1'])
    expect(commands.map(([id, c]) => [id, c.action, c.by])).toEqual([
      ['wo-0', 'cancel', 'forewarn-gateway'], ['wo-1', 'cancel', 'forewarn-gateway'],
    ])
  })

  it('keeps the work order while another device of the asset is still silent', () => {
    const { deps, board, commands } = setUp(['scheduled'])
    board.observeEvent(event('dev-a', 'silent', 1))
    board.observeEvent(event('dev-b', 'silent', 1))
    board.observeEvent(event('dev-a', 'resumed', 2))

    expect(cancelResolvedSilence(event('dev-a', 'resumed', 2), deps)).toEqual([])
    expect(commands).toEqual([])
  })

  it('does nothing for any other event', () => {
    const { deps, commands } = setUp(['scheduled'])

    for (const kind of ['online', 'offline', 'fault', 'silent'] as const) cancelResolvedSilence(event('dev-a', kind, 1), deps)

    expect(commands).toEqual([])
  })
})
