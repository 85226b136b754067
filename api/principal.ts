/** Who an API key speaks for. Operators hold `admin` keys. */
export const ROLES = ['admin', 'planner', 'technician', 'customer'] as const
export type Role = typeof ROLES[number]

export interface Principal {
  keyId: string
  /** The key's label, for logs and audit ("crm-sync", "alice's laptop"). */
  name: string
  role: Role
  /** Set exactly for customer keys: the one customer whose data the key may see. */
  customerId?: string
  /** Set exactly for technician keys: the technician whose visits the key works. */
  technicianId?: string
}

/** Role sets that routes grant; named so that the access table in docs/api.md reads the same. */
export const ANYONE: readonly Role[] = ROLES
export const STAFF: readonly Role[] = ['admin', 'planner']
export const FIELD: readonly Role[] = ['admin', 'planner', 'technician']
export const OPERATORS: readonly Role[] = ['admin']

/** The customer a principal is confined to, or undefined when it may see every customer. */
export function customerScope(principal: Principal): string | undefined {
  return principal.role === 'customer' ? principal.customerId : undefined
}

/** The technician a principal is confined to, or undefined for staff. */
export function technicianScope(principal: Principal): string | undefined {
  return principal.role === 'technician' ? principal.technicianId : undefined
}
