import type { Logger } from '../../core/index.js'

/**
 * Stops the service cleanly on SIGINT/SIGTERM (flushing accepted readings and notices);
 * a second signal exits at once.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130)
    stopping = true
    logger.info({ signal }, 'shutdown requested')
    stop().then(() => process.exit(0), (err: unknown) => {
      logger.fatal({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
}
