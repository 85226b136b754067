import type { Asset, Fleet, Planner, Severity, Signal } from '../core/index.js'
import { PlaybooksInvalidError } from './errors.js'
import { ASSET_OWNER_ROLE, type Playbook, type PlaybookSet } from './playbook-file.js'

// Priority 1 is the most urgent; the ladder mirrors the detector's severity one to one.
const PRIORITY_BY_SEVERITY: Readonly<Record<Severity, number>> = {
  critical: 1, warning: 2, info: 3,
}

/** Work-order priority for a Signal severity. */
export function priorityFor(severity: Severity): number {
  return PRIORITY_BY_SEVERITY[severity]
}

/**
 * The first playbook, in file order, whose kinds, severities and equipment types all match.
 * The file guarantees a catch-all per kind, so a match always exists for a valid set.
 */
export function selectPlaybook(
  set: PlaybookSet, signal: Pick<Signal, 'kind' | 'severity'>, equipmentType: string,
): Playbook {
  const found = set.playbooks.find((p) => p.match.kinds.includes(signal.kind)
    && (p.match.severities?.includes(signal.severity) ?? true)
    && (p.match.equipmentTypes?.includes(equipmentType) ?? true))
  if (found === undefined) {
    const problem = `no playbook matches ${signal.kind} signals`
    throw new PlaybooksInvalidError(problem, { source: 'playbooks', problems: [problem] })
  }
  return found
}

/** A playbook by name (work orders store the name); undefined when the file no longer has it. */
export function playbookNamed(set: PlaybookSet, name: string): Playbook | undefined {
  return set.playbooks.find((p) => p.name === name)
}

/**
 * The planner holding a role for an asset: `asset-owner` is the asset's owner; any other role
 * is the first planner in the fleet file that lists it. Null when nobody holds the role.
 */
export function plannerForRole(fleet: Fleet, role: string, asset: Asset): Planner | null {
  if (role === ASSET_OWNER_ROLE) return fleet.planner(asset.ownerId) ?? null
  return fleet.data.planners.find((p) => p.roles?.includes(role) === true) ?? null
}

/**
 * The escalation chain as people, without roles nobody holds and without a planner twice in
 * a row; it always starts with the work order's first owner.
 */
export function escalationChain(fleet: Fleet, playbook: Playbook, asset: Asset): Planner[] {
  const chain: Planner[] = []
  const first = plannerForRole(fleet, playbook.ownerRole, asset) ?? fleet.planner(asset.ownerId)
  if (first !== undefined && first !== null) chain.push(first)
  for (const role of playbook.escalation.chain) {
    const planner = plannerForRole(fleet, role, asset)
    if (planner !== null && chain.at(-1)?.id !== planner.id) chain.push(planner)
  }
  return chain
}
