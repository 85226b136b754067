import type { Outcome } from './types.js'
import type { CustomerEvent, NoticeFacts } from './notice-facts.js'
import type { Language } from './preferences.js'

/** Everything a customer notice says in words, in one language. Facts (names, times) are filled in. */
export interface Phrases {
  /** Intl locale of dates and times. */
  locale: string
  /** Joins two times of a window: "07:00 to 09:00". */
  to: string
  /** After a window's last time ("Uhr" in German), or ''. */
  clockSuffix: string
  equipment(asset: string, site: string): string
  /** The work in words: the playbook's own text in English, its action kind elsewhere. */
  action(facts: Pick<NoticeFacts, 'action' | 'actionText'>): string
  subject(event: CustomerEvent, action: string, equipment: string): string
  intro(intro: NoticeFacts['intro'], equipment: string): string
  technician: string
  outcome(code: Outcome | null, who: string, part: string | null, owner: string, watchHours: number): string
  wasPlanned(visit: string): string
  reason(reason: string): string
  rescheduled(equipment: string): string
  postponed(equipment: string): string
  newTimeBefore(owner: string, before: string): string
  onTheWay(who: string, equipment: string): string
  cancelled(equipment: string): string
  labels: {
    equipment: string
    finding: string
    done: string
    planned: string
    part: string
    visit: string
    /** When the work was reported done, in place of the planned visit window. */
    completed: string
    technician: string
    contact: string
    reference: string
    workOrder: string
    /** The shorter contact label of calendar invitations. */
    invitationContact: string
  }
  outroBooked(owner: string): string
  outroOther(owner: string): string
  greeting(name: string): string
  digestSubject(workOrders: number, customer: string): string
  digestIntro: string
  digestOutro: string
}

const EN: Phrases = {
  locale: 'en-GB',
  to: 'to',
  clockSuffix: '',
  equipment: (asset, site) => `${asset} at ${site}`,
  action: (facts) => facts.actionText,
  subject: (event, action, equipment) => `${EN_SUBJECTS[event]}: ${action} of ${equipment}`,
  intro: (intro, equipment) => {
    switch (intro) {
      case 'reported_fault': return `${equipment} reported a fault, and we are sending someone to look at it.`
      case 'sensor_fault': return `A sensor on ${equipment} is giving readings it cannot physically measure.`
      case 'connectivity': return `${equipment} has stopped reporting to our monitoring.`
      case 'early_warning':
        return `Our monitoring found an early sign of trouble on ${equipment}, before it turned into a breakdown.`
    }
  },
  technician: 'Our technician',
  outcome: (code, who, part, owner, watchHours) => {
    switch (code) {
      case null: return 'The work is finished.'
      case 'fault_confirmed':
        return `${who} confirmed the fault and replaced ${part ?? 'the worn part'}. We will watch the readings for the next ${watchHours} hours to make sure the repair holds.`
      case 'no_fault_found':
        return `${who} inspected the equipment and found no fault; it is in working order. We keep monitoring it as usual.`
      case 'could_not_access':
        return `${who} could not get access to the equipment, so nothing was done. Please contact ${owner} to arrange access.`
    }
  },
  wasPlanned: (visit) => ` It was planned for ${visit}.`,
  reason: (reason) => ` Reason: ${reason}.`,
  rescheduled: (equipment) => `The visit for ${equipment} has moved to a new time.`,
  postponed: (equipment) => `The visit for ${equipment} cannot take place as planned.`,
  newTimeBefore: (owner, before) => `${owner} will arrange a new time before ${before}.`,
  onTheWay: (who, equipment) => `${who} is on the way to ${equipment}.`,
  cancelled: (equipment) => `The work on ${equipment} has been cancelled.`,
  labels: {
    equipment: 'Equipment', finding: 'What we found', done: 'What was done', planned: 'What we will do',
    part: 'Part replaced', visit: 'Visit', completed: 'Completed', technician: 'Technician', contact: 'Your contact for this case',
    reference: 'Reference', workOrder: 'work order', invitationContact: 'Your contact',
  },
  outroBooked: (owner) => `Nothing is needed from you. To move the visit, contact ${owner}.`,
  outroOther: (owner) => `Questions about this case? Contact ${owner}.`,
  greeting: (name) => `Hello ${name},`,
  digestSubject: (workOrders, customer) => `Maintenance update: ${workOrders} work orders for ${customer}`,
  digestIntro: 'Several pieces of your equipment need attention at once, so here is everything in one message.',
  digestOutro: 'Each section names the person to contact about it.',
}

const EN_SUBJECTS: Readonly<Record<CustomerEvent, string>> = {
  scheduled: 'Visit scheduled',
  rescheduled: 'Visit moved',
  postponed: 'Visit postponed',
  on_the_way: 'Technician on the way',
  completed: 'Work completed',
  cancelled: 'Visit cancelled',
}

// Playbooks word their actions in English only, so German names the kind of work instead.
const DE_ACTIONS: Readonly<Record<NoticeFacts['action'], string>> = {
  part_replacement: 'Reparatur',
  inspection: 'Inspektion',
  remote_check: 'Fernprüfung',
}

const DE_SUBJECTS: Readonly<Record<CustomerEvent, string>> = {
  scheduled: 'Besuch geplant',
  rescheduled: 'Besuch verlegt',
  postponed: 'Besuch aufgeschoben',
  on_the_way: 'Techniker unterwegs',
  completed: 'Arbeiten abgeschlossen',
  cancelled: 'Besuch abgesagt',
}

const DE: Phrases = {
  locale: 'de-DE',
  to: 'bis',
  clockSuffix: ' Uhr',
  equipment: (asset, site) => `${asset} (${site})`,
  action: (facts) => DE_ACTIONS[facts.action],
  subject: (event, action, equipment) => `${DE_SUBJECTS[event]}: ${action} – ${equipment}`,
  intro: (intro, equipment) => {
    switch (intro) {
      case 'reported_fault': return `${equipment} hat eine Störung gemeldet; wir schicken jemanden, der sie sich ansieht.`
      case 'sensor_fault': return `Ein Sensor an ${equipment} liefert Werte, die er physikalisch nicht messen kann.`
      case 'connectivity': return `${equipment} meldet sich nicht mehr bei unserer Überwachung.`
      case 'early_warning':
        return `Unsere Überwachung hat an ${equipment} ein frühes Anzeichen für ein Problem gefunden, bevor es zu einem Ausfall kam.`
    }
  },
  technician: 'Unser Techniker',
  outcome: (code, who, part, owner, watchHours) => {
    switch (code) {
      case null: return 'Die Arbeiten sind abgeschlossen.'
      case 'fault_confirmed':
        return `${who} hat den Fehler bestätigt und ${part ?? 'das verschlissene Teil'} ersetzt. Wir beobachten die Messwerte in den nächsten ${watchHours} Stunden, um sicherzugehen, dass die Reparatur hält.`
      case 'no_fault_found':
        return `${who} hat die Anlage geprüft und keinen Fehler gefunden; sie ist betriebsbereit. Wir überwachen sie weiter wie gewohnt.`
      case 'could_not_access':
        return `${who} hatte keinen Zugang zur Anlage, daher wurde nichts unternommen. Bitte wenden Sie sich an ${owner}, um den Zugang zu vereinbaren.`
    }
  },
  wasPlanned: (visit) => ` Geplant war er für ${visit}.`,
  reason: (reason) => ` Grund: ${reason}.`,
  rescheduled: (equipment) => `Der Besuch für ${equipment} wurde auf einen neuen Termin verlegt.`,
  postponed: (equipment) => `Der Besuch für ${equipment} kann nicht wie geplant stattfinden.`,
  newTimeBefore: (owner, before) => `${owner} vereinbart einen neuen Termin vor ${before}.`,
  onTheWay: (who, equipment) => `${who} ist auf dem Weg zu ${equipment}.`,
  cancelled: (equipment) => `Die Arbeiten an ${equipment} wurden abgesagt.`,
  labels: {
    equipment: 'Anlage', finding: 'Befund', done: 'Durchgeführte Arbeiten', planned: 'Geplante Arbeiten',
    part: 'Ersetztes Teil', visit: 'Besuch', completed: 'Abgeschlossen', technician: 'Techniker', contact: 'Ihr Ansprechpartner für diesen Fall',
    reference: 'Referenz', workOrder: 'Auftrag', invitationContact: 'Ihr Ansprechpartner',
  },
  outroBooked: (owner) => `Sie müssen nichts tun. Um den Termin zu verschieben, wenden Sie sich an ${owner}.`,
  outroOther: (owner) => `Fragen zu diesem Fall? Wenden Sie sich an ${owner}.`,
  greeting: (name) => `Guten Tag ${name},`,
  digestSubject: (workOrders, customer) => `Wartungsinformation: ${workOrders} Aufträge für ${customer}`,
  digestIntro: 'Mehrere Ihrer Anlagen brauchen gleichzeitig Aufmerksamkeit, deshalb finden Sie hier alles in einer Nachricht.',
  digestOutro: 'Jeder Abschnitt nennt Ihren Ansprechpartner dafür.',
}

const PHRASES: Readonly<Record<Language, Phrases>> = { en: EN, de: DE }

export function phrasesFor(language: Language | undefined): Phrases {
  return PHRASES[language ?? 'en']
}
