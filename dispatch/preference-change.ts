import type { DispatchContext } from './context.js'
import { CustomerNotFoundError } from './errors.js'
import { effectivePreferences, mergeChanges, type CustomerPreferences, type PreferenceChanges } from './preferences.js'

/**
 * Applies a customer's preference change in one immediate transaction, so two changes at once
 * each merge into the other's result instead of overwriting it. The audit row records the
 * change as asked, with its author and the wall-clock time.
 */
export function updatePreferences(
  ctx: DispatchContext, customerId: string, changes: PreferenceChanges, by: string,
): CustomerPreferences {
  const customer = ctx.fleet.customer(customerId)
  if (customer === undefined) throw new CustomerNotFoundError(customerId)
  const at = ctx.clock.now()
  const stored = ctx.db.transaction(() => {
    const merged = mergeChanges(customer, ctx.preferences.get(customerId)?.overrides ?? {}, changes)
    ctx.preferences.save(customerId, merged, { at, by, asked: changes })
    return ctx.preferences.get(customerId)
  }).immediate()
  const fields = Object.keys(changes)
  ctx.logger.info({ customerId, by, fields }, 'customer preferences changed')
  return effectivePreferences(customer, stored)
}
