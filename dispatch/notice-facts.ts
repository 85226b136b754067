import type { Asset, Customer, Planner, Site, Technician, VisitWindow } from '../core/index.js'
import type { OrderContext } from './lookup.js'
import type { Playbook } from './playbook-file.js'
import type { CustomerPreferences, Language } from './preferences.js'
import type { Outcome, WorkOrderView } from './types.js'

/** The moments a customer hears about: one notice per event, work order and visit. */
export type CustomerEvent = 'scheduled' | 'rescheduled' | 'postponed' | 'on_the_way' | 'completed' | 'cancelled'

/** Everything a customer notice says, in any channel; looked up once when it is enqueued. */
export interface NoticeFacts {
  event: CustomerEvent
  workOrderId: string
  /** The customer, with the time zone of their preferences: the clock every time is told on. */
  customer: Customer
  /** The language of their preferences; default English. */
  language?: Language
  site: Site
  asset: Asset
  /** The named owner: the customer's contact for this case. */
  owner: Planner
  technician: Technician | null
  visit: VisitWindow | null
  /** The visit the customer was told about before this change, if any. */
  previousVisit: VisitWindow | null
  dueBy: number
  action: Playbook['action']
  actionText: string
  intro: Playbook['notice']['intro']
  /** What was found, in plain words (the latest evidence summary). */
  finding: string
  /** `at`: when the technician reported the work done (data clock). */
  outcome: { code: Outcome, part: string | null, note: string | null, at: number } | null
  /** Why the visit moved, was postponed or cancelled. */
  reason: string | null
  /** iCalendar SEQUENCE of the visit. */
  sequence: number
}

export interface FactsInput {
  event: CustomerEvent
  workOrder: WorkOrderView
  context: OrderContext
  preferences: Pick<CustomerPreferences, 'language' | 'timeZone'>
  finding: string
  previousVisit?: VisitWindow | null
  reason?: string | null
}

export function noticeFacts(input: FactsInput): NoticeFacts {
  const { workOrder, context } = input
  return {
    event: input.event,
    workOrderId: workOrder.id,
    customer: { ...context.customer, timeZone: input.preferences.timeZone },
    language: input.preferences.language,
    site: context.site,
    asset: context.asset,
    owner: context.owner,
    technician: context.technician,
    visit: workOrder.visit,
    previousVisit: input.previousVisit ?? null,
    dueBy: workOrder.dueBy,
    action: context.playbook.action,
    actionText: context.playbook.actionText,
    intro: context.playbook.notice.intro,
    finding: input.finding,
    outcome: workOrder.completion === null
      ? null
      : {
          code: workOrder.completion.outcome, part: workOrder.completion.part, note: workOrder.completion.note,
          at: workOrder.completion.at,
        },
    reason: input.reason ?? null,
    sequence: workOrder.visitSequence,
  }
}
