import { ForewarnError, type ForewarnErrorOptions } from '../core/index.js'

/** GET /api/work-orders/:id named a work order that does not exist. */
export class WorkOrderNotFoundError extends ForewarnError {
  constructor(workOrderId: string) {
    super('FW_ERR_DSP_WORK_ORDER_NOT_FOUND', `work order ${workOrderId} does not exist`, {
      statusCode: 404, details: { workOrderId },
    })
  }
}

/** A work-order query parameter failed validation; details.field names it. */
export class InvalidQueryError extends ForewarnError {
  constructor(field: string, message: string) {
    super('FW_ERR_DSP_QUERY_INVALID', `query parameter ${field}: ${message}`, {
      statusCode: 400, details: { field },
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

/** The mail transport refused or failed to take a notice; the notice stays pending. */
export class NoticeSendError extends ForewarnError {
  constructor(noticeId: string, cause: unknown) {
    const message = `notice ${noticeId} could not be sent: ${describe(cause)}`
    super('FW_ERR_DSP_NOTICE_SEND_FAILED', message, { cause, details: { noticeId } })
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

/** Every code dispatch declares, for the catalogue test and docs/errors.md. */
export const DISPATCH_ERROR_CODES = [
  'FW_ERR_DSP_WORK_ORDER_NOT_FOUND',
  'FW_ERR_DSP_QUERY_INVALID',
  'FW_ERR_DSP_UNKNOWN_ASSET',
  'FW_ERR_DSP_NOT_STARTED',
  'FW_ERR_DSP_STORE_FAILED',
  'FW_ERR_DSP_NOTICE_SEND_FAILED',
] as const
