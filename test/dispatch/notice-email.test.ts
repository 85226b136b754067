import { describe, expect, it } from 'vitest'
import type { SignalKind } from '../../core/index.js'
import { renderWorkOrderEmail, type EmailContext } from '../../dispatch/notice-email.js'
import { testFleet } from './fixtures.js'

function context(kind: SignalKind): EmailContext {
  const fleet = testFleet()
  const asset = fleet.data.assets[0]
  if (asset === undefined) throw new Error('test fleet has no asset')
  const site = fleet.site(asset.siteId)
  const customer = site === undefined ? undefined : fleet.customer(site.customerId)
  const planner = fleet.planner(asset.ownerId)
  if (site === undefined || customer === undefined || planner === undefined) throw new Error('test fleet incomplete')
  return {
    workOrderId: 'wo-1', customer, site, asset, planner, technician: null, visit: null,
    dueBy: Date.UTC(2026, 2, 4), action: 'inspection', finding: 'Door obstructed.', kind,
  }
}

describe('renderWorkOrderEmail', () => {
  it('calls a prediction an early sign of trouble', () => {
    expect(renderWorkOrderEmail(context('degradation')).mail.text).toMatch(/early sign of trouble/)
  })

  it('says a device-reported fault is a reported fault, not an early sign', () => {
    const text = renderWorkOrderEmail(context('device_fault')).mail.text
    expect(text).toMatch(/reported a fault/)
    expect(text).not.toMatch(/early sign/)
  })
})
