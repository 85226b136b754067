import { isForewarnError, type Logger } from '../core/index.js'
import { classifyFailure, retryDelay, type BackoffOptions, type WriteFailure } from './backoff.js'
import type { DeadLetterList } from './dead-letters.js'
import type { IngestMetrics } from './metrics.js'
import { sleep } from './sleep.js'
import type { TelemetryStore } from './types.js'

export interface BatchWriterOptions {
  store: TelemetryStore
  logger: Logger
  metrics: IngestMetrics
  backoff: BackoffOptions
  deadLetters: DeadLetterList
  random?: () => number
}

/** Lines of one batch the store now has, and lines it refused for good (dead letters). */
export interface WriteResult {
  stored: number
  deadLettered: number
}

/** A failed attempt: what the store threw, and how it is treated. */
interface Failed {
  err: unknown
  failure: WriteFailure
}

interface Slice {
  body: Buffer
  points: number
}

/**
 * Writes one batch until the store has every line of it, or has refused some lines for good.
 * Retryable failures (store down, 5xx, 429, timeouts, unknown errors) wait with backoff and
 * jitter, or the server's Retry-After, and try again for as long as it takes. A refusal of
 * the data (400, 413, 422) is narrowed down by halving: InfluxDB names no line, and 1.x
 * reports a partial write after storing the good lines, so each half is written again
 * (rewriting a stored point is idempotent) until the refused lines stand alone. Those become
 * dead letters with InfluxDB's reason; everything else is stored.
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

  /**
   * Writes the payloads (line protocol) as one body; resolves with what became of the lines,
   * or undefined when `signal` ended the attempt.
   */
  async write(
    payloads: readonly Buffer[], points: number, signal: AbortSignal,
  ): Promise<WriteResult | undefined> {
    if (points === 0) return { stored: 0, deadLettered: 0 }
    return this.#writeSlice({ body: joinLines(payloads), points }, signal)
  }

  async #writeSlice(slice: Slice, signal: AbortSignal): Promise<WriteResult | undefined> {
    const { logger, backoff, random } = this.#options
    for (let attempt = 1; ; attempt++) {
      const failed = await this.#tryWrite(slice, signal)
      if (signal.aborted) return undefined
      if (failed === undefined) {
        const fields = { points: slice.points, attempts: attempt }
        if (attempt > 1) logger.info(fields, 'telemetry store recovered')
        return { stored: slice.points, deadLettered: 0 }
      }
      if (!failed.failure.isRetryable) return this.#narrowDown(slice, failed, signal)

      const retryInMs = retryDelay(failed.failure, attempt, backoff, random)
      this.#logRetry(failed, { points: slice.points, attempt, retryInMs })
      await sleep(retryInMs, signal)
      if (signal.aborted) return undefined
    }
  }

  /** One attempt, timed and counted; returns the failure, or undefined once stored. */
  async #tryWrite(slice: Slice, signal: AbortSignal): Promise<Failed | undefined> {
    const { store, metrics, logger } = this.#options
    const endTimer = metrics.writeDuration.startTimer()
    const startedAt = performance.now()
    try {
      await store.writeLines(slice.body, { points: slice.points, signal })
    } catch (err: unknown) {
      if (signal.aborted) return { err, failure: classifyFailure(err) }
      endTimer({ outcome: 'failed' })
      const failure = classifyFailure(err)
      this.#failedWrites += 1
      metrics.failures.inc({ reason: failure.reason })
      return { err, failure }
    }

    endTimer({ outcome: 'ok' })
    if (logger.isLevelEnabled('debug')) {
      const durationMs = Math.round(performance.now() - startedAt)
      logger.debug({ points: slice.points, durationMs }, 'telemetry batch written')
    }
    return undefined
  }

  async #narrowDown(
    slice: Slice, failed: Failed, signal: AbortSignal,
  ): Promise<WriteResult | undefined> {
    const refusal = refusalOf(failed.err)
    const named = namedLines(failed.err, slice.points)
    if (named !== undefined && slice.points > 1) return this.#splitOut(slice, named, failed, signal)
    if (slice.points === 1 || droppedAll(refusal.reason, slice.points)) {
      this.#deadLetter(slice, failed, refusal)
      return { stored: 0, deadLettered: slice.points }
    }

    const lines = slice.body.toString('utf8').split('\n')
    const half = Math.ceil(lines.length / 2)
    const first = await this.#writeSlice(sliceOf(lines.slice(0, half)), signal)
    if (first === undefined) return undefined
    const second = await this.#writeSlice(sliceOf(lines.slice(half)), signal)
    if (second === undefined) return undefined
    return {
      stored: first.stored + second.stored,
      deadLettered: first.deadLettered + second.deadLettered,
    }
  }

  /**
   * The store named the refused lines (InfluxDB 3.x): those become dead letters, each with its
   * own reason, and the rest is written again (3.x has stored it already, so this rewrites the
   * same points) to learn whether the store took it all; 3.x names at most 100 lines per answer.
   */
  async #splitOut(
    slice: Slice, named: Map<number, string>, failed: Failed, signal: AbortSignal,
  ): Promise<WriteResult | undefined> {
    const lines = slice.body.toString('utf8').split('\n')
    const byReason = new Map<string, string[]>()
    const rest: string[] = []
    lines.forEach((line, index) => {
      const reason = named.get(index + 1)
      if (reason === undefined) rest.push(line)
      else byReason.set(reason, [...(byReason.get(reason) ?? []), line])
    })
    const { status } = refusalOf(failed.err)
    for (const [reason, refused] of byReason) this.#deadLetter(sliceOf(refused), failed, { reason, status })
    if (rest.length === 0) return { stored: 0, deadLettered: named.size }

    const written = await this.#writeSlice(sliceOf(rest), signal)
    if (written === undefined) return undefined
    return { stored: written.stored, deadLettered: written.deadLettered + named.size }
  }

  #deadLetter(slice: Slice, failed: Failed, refusal: Refusal): void {
    const { deadLetters, metrics, logger } = this.#options
    const kind = deadLetters.add(slice.body.toString('utf8').split('\n'), refusal, Date.now())
    metrics.deadLetters.inc({ reason: kind }, slice.points)
    const { err } = failed
    const fields = { err, code: errorCode(err), points: slice.points, reason: refusal.reason, kind }
    logger.error(fields, 'telemetry readings refused by the store were dead-lettered')
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

interface Refusal {
  reason: string
  status: number | undefined
}

function refusalOf(err: unknown): Refusal {
  const details = isForewarnError(err) ? err.details : undefined
  const reason = typeof details?.reason === 'string' ? details.reason : errorMessage(err)
  const status = typeof details?.status === 'number' ? details.status : undefined
  return { reason, status }
}

/**
 * Line number (1-based) to reason of the lines the store named, when every named line exists
 * in the slice; undefined otherwise, and the slice is halved instead.
 */
function namedLines(err: unknown, points: number): Map<number, string> | undefined {
  const lines = isForewarnError(err) ? err.details?.lines : undefined
  if (!Array.isArray(lines) || lines.length === 0) return undefined
  const named = new Map<number, string>()
  for (const entry of lines as unknown[]) {
    const { line, reason } = (entry ?? {}) as { line?: unknown, reason?: unknown }
    const isInSlice = typeof line === 'number' && Number.isInteger(line) && line >= 1 && line <= points
    if (!isInSlice || typeof reason !== 'string') return undefined
    named.set(line, reason)
  }
  return named
}

/** InfluxDB 1.x and 2.x end a partial write's reason with `dropped=N`: N = all lines means no good one. */
function droppedAll(reason: string, points: number): boolean {
  const match = /dropped=(\d+)/.exec(reason)
  return match !== null && Number(match[1]) >= points
}

function sliceOf(lines: string[]): Slice {
  return { body: Buffer.from(lines.join('\n'), 'utf8'), points: lines.length }
}

/** One body: the parts separated by \n, in one buffer (one copy of each part). */
function joinLines(parts: readonly Buffer[]): Buffer {
  if (parts.length === 1) return parts[0] as Buffer
  let length = parts.length - 1
  for (const part of parts) length += part.length
  const body = Buffer.allocUnsafe(length)
  let offset = 0
  for (const part of parts) {
    if (offset > 0) body[offset++] = NEWLINE
    offset += part.copy(body, offset)
  }
  return body
}

const NEWLINE = 0x0a

function errorCode(err: unknown): string | undefined {
  const code: unknown = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
