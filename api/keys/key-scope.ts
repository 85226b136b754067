import type { Fleet } from '../../core/index.js'
import type { Role } from '../principal.js'

/** A problem with the scope asked for a new key: the field at fault and what is wrong. */
export interface ScopeProblem {
  field: 'customerId' | 'technicianId'
  message: string
}

/**
 * A customer key names a customer the fleet knows, a technician key a technician it knows, and
 * no other key names either. The HTTP route and `npm run keys` apply the same rule.
 */
export function scopeProblem(
  fleet: Fleet, role: Role, customerId?: string, technicianId?: string,
): ScopeProblem | null {
  if (role === 'customer' && customerId === undefined) return { field: 'customerId', message: 'a customer key names its customer' }
  if (role !== 'customer' && customerId !== undefined) return { field: 'customerId', message: 'only a customer key names a customer' }
  if (role === 'technician' && technicianId === undefined) {
    return { field: 'technicianId', message: 'a technician key names its technician' }
  }
  if (role !== 'technician' && technicianId !== undefined) return { field: 'technicianId', message: 'only a technician key names one' }
  if (customerId !== undefined && fleet.customer(customerId) === undefined) {
    return { field: 'customerId', message: `no customer ${customerId}` }
  }
  if (technicianId !== undefined && fleet.technician(technicianId) === undefined) {
    return { field: 'technicianId', message: `no technician ${technicianId}` }
  }
  return null
}
