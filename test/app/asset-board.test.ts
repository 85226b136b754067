import { describe, expect, it } from 'vitest'
import { AssetBoard } from '../../app/asset-board.js'
import type { Reading } from '../../core/index.js'

function reading(metric: string, time: number, value: number, deviceId = 'dev-1'): Reading {
  return {
    assetId: 'asset-1', deviceId, metric, time, value,
    tags: { siteId: 'site-1', customerId: 'cust-1', equipmentType: 'pump' },
  }
}

describe('AssetBoard', () => {
  it('keeps the newest value of each metric, whatever order readings arrive in', () => {
    const board = new AssetBoard()
    board.observeReading(reading('vibration', 2_000, 2))
    board.observeReading(reading('vibration', 1_000, 1))
    board.observeReading(reading('vibration', 2_000, 9))
    board.observeReading(reading('temperature', 1_500, 40))
    board.observeReading(reading('vibration', 3_000, 3))

    expect(board.view('asset-1', []).latest).toEqual([
      { metric: 'temperature', time: 1_500, value: 40 },
      { metric: 'vibration', time: 3_000, value: 3 },
    ])
  })

  it('hands out copies: a view does not change with later readings, nor the board with a view', () => {
    const board = new AssetBoard()
    board.observeReading(reading('vibration', 1_000, 1))
    const before = board.view('asset-1', [])
    board.observeReading(reading('vibration', 2_000, 2))
    ;(before.latest[0] as { value: number }).value = 99

    expect(before.latest).toEqual([{ metric: 'vibration', time: 1_000, value: 99 }])
    expect(board.view('asset-1', []).latest).toEqual([{ metric: 'vibration', time: 2_000, value: 2 }])
  })
})
