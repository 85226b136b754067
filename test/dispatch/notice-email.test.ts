import { describe, expect, it } from 'vitest'
import type { NoticeFacts } from '../../dispatch/notice-facts.js'
import { renderCustomerEmail, renderDigestEmail } from '../../dispatch/notice-email.js'
import { testFleet } from './fixtures.js'

const VISIT = { start: Date.UTC(2026, 2, 2, 7), end: Date.UTC(2026, 2, 2, 9) }

function facts(overrides: Partial<NoticeFacts> = {}): NoticeFacts {
  const fleet = testFleet()
  const asset = fleet.asset('pump-1')
  const site = fleet.site('site-north')
  const customer = fleet.customer('cust-water')
  const owner = fleet.planner('planner-ana')
  const technician = fleet.data.technicians.find((t) => t.id === 'tech-mira')
  if (!asset || !site || !customer || !owner || !technician) throw new Error('test fleet incomplete')
  return {
    event: 'scheduled', workOrderId: 'wo-1', customer, site, asset, owner, technician, visit: VISIT,
    previousVisit: null, dueBy: Date.UTC(2026, 2, 4), action: 'inspection', actionText: 'inspection',
    intro: 'early_warning', finding: 'Door obstructed.', outcome: null, reason: null, sequence: 1,
    ...overrides,
  }
}

describe('renderCustomerEmail', () => {
  it('calls a prediction an early sign of trouble and a reported fault what it is', () => {
    expect(renderCustomerEmail(facts(), 72).text).toMatch(/early sign of trouble/)
    const reported = renderCustomerEmail(facts({ intro: 'reported_fault' }), 72).text
    expect(reported).toMatch(/reported a fault/)
    expect(reported).not.toMatch(/early sign/)
  })

  it.each([
    ['fault_confirmed', 'bearing 6309', 'Mira Tester confirmed the fault and replaced bearing 6309. We will watch the readings for the next 72 hours'],
    ['no_fault_found', null, 'Mira Tester inspected the equipment and found no fault; it is in working order.'],
    ['could_not_access', null, 'Mira Tester could not get access to the equipment, so nothing was done. Please contact Ana Okafor to arrange access.'],
  ] as const)('tells the customer the %s outcome in plain words', (code, part, words) => {
    const doneAt = Date.UTC(2026, 2, 2, 8, 40)
    const email = renderCustomerEmail(facts({ event: 'completed', outcome: { code, part, note: null, at: doneAt } }), 72)

    expect(email.subject).toBe('Work completed: inspection of Raw water pump 1 at North pumping station')
    expect(email.text).toContain(words)
    // When it was done, on the customer's clock, rather than the window that was planned.
    expect(email.text).toContain('Completed: Monday, 2 March 2026, 08:40')
    expect(email.text).not.toContain('Visit:')
  })

  it('says when a postponed visit was planned, why, and by when a new one comes', () => {
    const email = renderCustomerEmail(facts({ event: 'postponed', visit: null, previousVisit: VISIT, reason: 'the technician is ill' }), 72)

    expect(email.text).toContain('It was planned for Monday, 2 March 2026, 07:00 to 09:00 (Europe/London). Reason: the technician is ill. Ana Okafor will arrange a new time before Wednesday, 4 March 2026, 00:00 (Europe/London).')
    expect(email.text).not.toContain('Visit:')
  })
})

describe('renderDigestEmail', () => {
  it('counts work orders, not notices, and keeps every section', () => {
    const customer = testFleet().customer('cust-water')
    if (customer === undefined) throw new Error('test fleet incomplete')
    const section = (text: string) => ({ text, html: `<p>${text}</p>` })
    const digest = renderDigestEmail(customer, [
      { workOrderId: 'wo-1', subject: 'A', section: section('one') },
      { workOrderId: 'wo-1', subject: 'B', section: section('two') },
      { workOrderId: 'wo-2', subject: 'C', section: section('three') },
    ])

    expect(digest.subject).toBe('Maintenance update: 2 work orders for Acme Water')
    expect(digest.text).toContain('== B ==\n\ntwo')
    expect(digest.html).toContain('<h2>C</h2>\n<p>three</p>')
  })
})
