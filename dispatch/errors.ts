import { ForewarnError, type ForewarnErrorOptions } from '../core/index.js'

/** An /api/work-orders/:id route named a work order that does not exist. */
export class WorkOrderNotFoundError extends ForewarnError {
  constructor(workOrderId: string) {
    super('FW_ERR_DSP_WORK_ORDER_NOT_FOUND', `work order ${workOrderId} does not exist`, {
      statusCode: 404, details: { workOrderId },
    })
  }
}

/** A Signal names an asset (or an asset whose site, customer or owner) the fleet does not know. */
export class UnknownAssetError extends ForewarnError {
  constructor(assetId: string, problem: string) {
    const message = `signal for asset ${assetId} cannot be dispatched: ${problem}`
    super('FW_ERR_DSP_UNKNOWN_ASSET', message, { details: { assetId } })
  }
}

/** Dispatch was used before start() or after stop(). */
export class DispatchNotStartedError extends ForewarnError {
  constructor(operation: string) {
    super('FW_ERR_DSP_NOT_STARTED', `dispatch is not running (${operation} needs start() first)`, {
      statusCode: 503, details: { operation },
    })
  }
}

/** The SQLite store could not be opened or migrated. */
export class DispatchStoreError extends ForewarnError {
  constructor(message: string, options: ForewarnErrorOptions = {}) {
    super('FW_ERR_DSP_STORE_FAILED', message, options)
  }
}

/** The mail transport or webhook receiver refused or failed to take a notice; it stays pending. */
export class NoticeSendError extends ForewarnError {
  constructor(noticeId: string, cause: unknown) {
    const message = `notice ${noticeId} could not be sent: ${describe(cause)}`
    super('FW_ERR_DSP_NOTICE_SEND_FAILED', message, { cause, details: { noticeId } })
  }
}

/** The playbook file is unreadable or invalid; details.problems lists every problem. */
export class PlaybooksInvalidError extends ForewarnError {
  constructor(message: string, details: { source: string, problems: string[] }, cause?: unknown) {
    super('FW_ERR_DSP_PLAYBOOKS_INVALID', message, { details, cause })
  }
}

/** A command's JSON body failed validation; details.field names the field at fault. */
export class InvalidBodyError extends ForewarnError {
  constructor(field: string, message: string) {
    super('FW_ERR_DSP_BODY_INVALID', `body field ${field}: ${message}`, {
      statusCode: 400, details: { field },
    })
  }
}

/** The lifecycle does not allow this change from the work order's current status. */
export class TransitionNotAllowedError extends ForewarnError {
  constructor(input: { workOrderId: string, action: string, from: string, allowedFrom: readonly string[] }) {
    const { workOrderId, action, from, allowedFrom } = input
    const message = `work order ${workOrderId} is ${from}; ${action} is allowed only from ${allowedFrom.join(', ')}`
    super('FW_ERR_DSP_TRANSITION_NOT_ALLOWED', message, {
      statusCode: 409, details: { workOrderId, action, from, allowedFrom: [...allowedFrom] },
    })
  }
}

/** A technician named in the path does not exist in the fleet. */
export class TechnicianNotFoundError extends ForewarnError {
  constructor(technicianId: string) {
    super('FW_ERR_DSP_TECHNICIAN_NOT_FOUND', `technician ${technicianId} does not exist`, {
      statusCode: 404, details: { technicianId },
    })
  }
}

/** A body field names a technician or planner the fleet does not know. */
export class UnknownReferenceError extends ForewarnError {
  constructor(field: string, value: string) {
    super('FW_ERR_DSP_REFERENCE_UNKNOWN', `body field ${field}: no such id ${value} in the fleet`, {
      statusCode: 422, details: { field, value },
    })
  }
}

/** The technician lacks the skill or does not cover the site the work order needs. */
export class TechnicianUnqualifiedError extends ForewarnError {
  constructor(technicianId: string, problem: string) {
    super('FW_ERR_DSP_TECHNICIAN_UNQUALIFIED', `technician ${technicianId} cannot take this visit: ${problem}`, {
      statusCode: 422, details: { field: 'technicianId', technicianId },
    })
  }
}

/** The requested visit overlaps a booking or an absence, or lies outside working hours. */
export class SlotUnavailableError extends ForewarnError {
  constructor(technicianId: string, reason: string) {
    super('FW_ERR_DSP_SLOT_UNAVAILABLE', `technician ${technicianId} is not available then: ${reason}`, {
      statusCode: 409, details: { field: 'start', technicianId, reason },
    })
  }
}

/** A customer id named to dispatch (preferences, notices) is not in the fleet file. */
export class CustomerNotFoundError extends ForewarnError {
  constructor(customerId: string) {
    super('FW_ERR_DSP_CUSTOMER_NOT_FOUND', `customer ${customerId} does not exist`, {
      statusCode: 404, details: { customerId },
    })
  }
}

/** A preference change is not possible for this customer; details.field names the field. */
export class PreferencesInvalidError extends ForewarnError {
  constructor(field: string, message: string) {
    super('FW_ERR_DSP_PREFERENCES_INVALID', `${field}: ${message}`, { statusCode: 422, details: { field } })
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

/** Every code dispatch declares, for the catalogue test and docs/errors.md. */
export const DISPATCH_ERROR_CODES = [
  'FW_ERR_DSP_WORK_ORDER_NOT_FOUND',
  'FW_ERR_DSP_UNKNOWN_ASSET',
  'FW_ERR_DSP_NOT_STARTED',
  'FW_ERR_DSP_STORE_FAILED',
  'FW_ERR_DSP_NOTICE_SEND_FAILED',
  'FW_ERR_DSP_PLAYBOOKS_INVALID',
  'FW_ERR_DSP_BODY_INVALID',
  'FW_ERR_DSP_TRANSITION_NOT_ALLOWED',
  'FW_ERR_DSP_TECHNICIAN_NOT_FOUND',
  'FW_ERR_DSP_REFERENCE_UNKNOWN',
  'FW_ERR_DSP_TECHNICIAN_UNQUALIFIED',
  'FW_ERR_DSP_SLOT_UNAVAILABLE',
  'FW_ERR_DSP_CUSTOMER_NOT_FOUND',
  'FW_ERR_DSP_PREFERENCES_INVALID',
] as const
