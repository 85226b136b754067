import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { Severity, SignalKind } from '../core/index.js'
import { PlaybooksInvalidError } from './errors.js'

/** Every Signal kind the models emit; the type check below fails when core adds one. */
export const SIGNAL_KINDS = [
  'anomaly', 'degradation', 'sensor_fault', 'silent_device', 'device_fault',
] as const satisfies readonly SignalKind[]
const SEVERITIES = ['info', 'warning', 'critical'] as const satisfies readonly Severity[]
type Uncovered = Exclude<SignalKind, (typeof SIGNAL_KINDS)[number]>
// Compile-time guard: a Signal kind missing from SIGNAL_KINDS makes this assignment fail.
const NO_KIND_FORGOTTEN: Uncovered extends never ? true : false = true

/** The built-in role: the planner named as the asset's owner in the fleet file. */
export const ASSET_OWNER_ROLE = 'asset-owner'

const name = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'lower-case letters, digits and -, 1-64')
const fleetId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a fleet id')

const playbookSchema = z.object({
  name,
  /** Which Signals this playbook answers; omitted severities or equipment types match all. */
  match: z.object({
    kinds: z.array(z.enum(SIGNAL_KINDS)).min(1),
    severities: z.array(z.enum(SEVERITIES)).min(1).optional(),
    equipmentTypes: z.array(fleetId).min(1).optional(),
  }).strict(),
  action: z.enum(['remote_check', 'inspection', 'part_replacement']),
  /** The action in words a customer reads ("preventive bearing repair"). */
  actionText: z.string().min(1).max(80),
  /** Skill the technician needs; omitted: the equipment type's skill from the fleet file. */
  skill: z.string().min(1).optional(),
  /** Omitted values fall back to dispatch.safetyMarginHours and dispatch.defaultDeadlineHours. */
  deadline: z.object({
    /** The visit must end this long before the earliest predicted failure. */
    beforeFailureHours: z.number().min(0).optional(),
    /** Deadline after detection when the Signal predicts no failure time. */
    withoutPredictionHours: z.number().positive().optional(),
  }).strict().optional(),
  /** Omitted: dispatch.visitDurationHours. */
  visitDurationHours: z.number().positive().max(24).optional(),
  ownerRole: name,
  notice: z.object({
    /** Whether the customer hears about this work order's visits at all. */
    customer: z.boolean(),
    /** How the customer email introduces the finding. */
    intro: z.enum(['early_warning', 'reported_fault', 'sensor_fault', 'connectivity']),
  }).strict(),
  escalation: z.object({
    /** Owners in order: each missed deadline hands the work order to the next one. */
    chain: z.array(name).min(1),
    notScheduledWithinHours: z.number().positive(),
    /** A visit still not started this long after its planned end counts as missed. */
    visitMissedAfterHours: z.number().min(0),
    openPastPredictedFailure: z.boolean(),
  }).strict(),
}).strict()

const fileSchema = z.object({
  version: z.literal(1),
  playbooks: z.array(playbookSchema).min(1),
}).strict().superRefine((file, ctx) => {
  for (const problem of problemsOf(file.playbooks)) ctx.addIssue({ code: 'custom', message: problem })
})

/** One playbook, as validated from the file. */
export type Playbook = z.infer<typeof playbookSchema>
/** The validated playbook file; the first playbook that matches a Signal applies. */
export interface PlaybookSet {
  readonly playbooks: readonly Playbook[]
}

/** Validates playbook data (already parsed JSON). */
export function parsePlaybooks(input: unknown, source = 'playbooks'): PlaybookSet {
  void NO_KIND_FORGOTTEN
  const parsed = fileSchema.safeParse(input)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
    throw new PlaybooksInvalidError(`${source} are invalid: ${problems.join('; ')}`, { source, problems })
  }
  return { playbooks: parsed.data.playbooks }
}

/** Reads and validates a playbook file. */
export function loadPlaybooks(file: string): PlaybookSet {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err: unknown) {
    const problem = err instanceof Error ? err.message : String(err)
    throw new PlaybooksInvalidError(`playbook file ${file} could not be read as JSON: ${problem}`, {
      source: file,
      problems: [problem],
    }, err)
  }
  return parsePlaybooks(raw, `playbook file ${file}`)
}

/**
 * Names are unique, and every Signal kind has a catch-all playbook (no severity or equipment
 * type filter), so no Signal of any fleet ever finds none.
 */
function problemsOf(playbooks: readonly Playbook[]): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const playbook of playbooks) {
    if (seen.has(playbook.name)) problems.push(`playbook name ${playbook.name} is used twice`)
    seen.add(playbook.name)
  }
  for (const kind of SIGNAL_KINDS) {
    const covered = playbooks.some((p) => p.match.kinds.includes(kind)
      && p.match.severities === undefined && p.match.equipmentTypes === undefined)
    if (!covered) problems.push(`signal kind ${kind} has no catch-all playbook (one without severities or equipmentTypes)`)
  }
  return problems
}
