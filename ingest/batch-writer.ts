import { isForewarnError, type Logger, type Reading } from '../core/index.js'
import { classifyFailure, retryDelay, type BackoffOptions, type WriteFailure } from './backoff.js'
import type { IngestMetrics } from './metrics.js'
import type { TelemetryStore } from './types.js'

export interface BatchWriterOptions {
  store: TelemetryStore
  logger: Logger
  metrics: IngestMetrics
  backoff: BackoffOptions
  random?: () => number
}

/** A failed attempt: what the store threw, and how it is treated. */
interface Failed {
  err: unknown
  failure: WriteFailure
}

/**
 * Writes one batch until the store has it. Retryable failures (store down, 5xx, 429, timeouts,
 * unknown errors) wait with backoff or the server's Retry-After and try again, for as long as
 * it takes; only a rejection of the data itself ends the batch without storing it.
 */
export class BatchWriter {
  readonly #options: BatchWriterOptions
  #failedWrites = 0

  constructor(options: BatchWriterOptions) {
    this.#options = options
  }

  /** Failed write attempts so far, retried or not. */
  get failedWrites(): number {
    return this.#failedWrites
  }

  /** Resolves true once stored, false when the store rejected the batch as bad data. */
  async write(batch: Reading[]): Promise<boolean> {
    const { logger, backoff, random } = this.#options
    for (let attempt = 1; ; attempt++) {
      const failed = await this.#tryWrite(batch)
      if (failed === undefined) {
        if (attempt === 1) return true
        logger.info({ points: batch.length, attempts: attempt }, 'telemetry store recovered')
        return true
      }
      if (!failed.failure.isRetryable) {
        this.#reject(batch, failed)
        return false
      }
      const retryInMs = retryDelay(failed.failure, attempt, backoff, random)
      this.#logRetry(failed, { points: batch.length, attempt, retryInMs })
      await sleep(retryInMs)
    }
  }

  /** One attempt, timed and counted; returns the failure, or undefined once stored. */
  async #tryWrite(batch: Reading[]): Promise<Failed | undefined> {
    const { store, metrics, logger } = this.#options
    const endTimer = metrics.writeDuration.startTimer()
    const startedAt = performance.now()
    try {
      await store.write(batch)
    } catch (err: unknown) {
      endTimer({ outcome: 'failed' })
      const failure = classifyFailure(err)
      this.#failedWrites += 1
      metrics.failures.inc({ reason: failure.reason })
      return { err, failure }
    }

    endTimer({ outcome: 'ok' })
    if (logger.isLevelEnabled('debug')) {
      const durationMs = Math.round(performance.now() - startedAt)
      logger.debug({ points: batch.length, durationMs }, 'telemetry batch written')
    }
    return undefined
  }

  /**
   * Until the on-disk spool exists a rejected batch is dropped: it is logged at error with the
   * store's reason (InfluxDB's partial-write message) and counted in readings_dropped_total.
   */
  #reject(batch: Reading[], failed: Failed): void {
    const { err } = failed
    const reason = isForewarnError(err) ? err.details?.reason : undefined
    const fields = { err, code: errorCode(err), points: batch.length, reason }
    this.#options.logger.error(fields, 'telemetry batch rejected by the store')
    this.#options.metrics.dropped.inc({ reason: failed.failure.reason }, batch.length)
  }

  /**
   * Every failure is counted in metrics, but a long outage would log one line per retry; warn
   * on attempts 1, 2, 4, 8, … (so the log shows the outage and its length) and debug otherwise.
   */
  #logRetry(failed: Failed, fields: { points: number, attempt: number, retryInMs: number }): void {
    const isPowerOfTwo = (fields.attempt & (fields.attempt - 1)) === 0
    const level = isPowerOfTwo ? 'warn' : 'debug'
    const { err } = failed
    const { logger } = this.#options
    logger[level]({ err, code: errorCode(err), ...fields }, 'telemetry batch write failed')
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function errorCode(err: unknown): string | undefined {
  const code: unknown = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
