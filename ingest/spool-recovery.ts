import { open, stat } from 'node:fs/promises'
import type { Logger } from '../core/index.js'
import { SpoolFailedError } from './errors.js'
import { SEGMENT_MAGIC, decodeFrames } from './spool-frame.js'

export interface RecoverOptions {
  file: string
  /** Only the last segment can have been in the middle of a write when the process died. */
  isLast: boolean
  logger: Logger
}

/**
 * The valid length of a segment found at start-up. Earlier segments were complete when the
 * next one was started, so their size is taken as it is (their checksums are checked as they
 * are read). The last one is read in full: a frame torn by a crash (never acknowledged, since
 * its durable write had not returned) is cut off, and so is a file whose creation was cut short.
 */
export async function recoverSegment(options: RecoverOptions): Promise<number> {
  const { file, isLast, logger } = options
  if (!isLast) return (await stat(file)).size

  const handle = await open(file, 'r+')
  try {
    const { size } = await handle.stat()
    const data = Buffer.allocUnsafe(size)
    const { bytesRead } = await handle.read(data, 0, size, 0)
    if (bytesRead < SEGMENT_MAGIC.length) {
      await rewriteHeader(handle)
      return SEGMENT_MAGIC.length
    }
    if (!data.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) {
      const message = `${file} is not a Forewarn spool segment (unknown header)`
      throw new SpoolFailedError(message, { details: { file } })
    }

    const frames = decodeFrames(data.subarray(SEGMENT_MAGIC.length, bytesRead))
    const valid = SEGMENT_MAGIC.length + frames.consumed
    if (valid < size) {
      await handle.truncate(valid)
      await handle.datasync()
      logger.warn({ file, bytes: size - valid }, 'spool tail torn by a crash was cut off')
    }
    return valid
  } finally {
    await handle.close()
  }
}

async function rewriteHeader(handle: Awaited<ReturnType<typeof open>>): Promise<void> {
  await handle.truncate(0)
  await handle.write(SEGMENT_MAGIC, 0, SEGMENT_MAGIC.length, 0)
  await handle.datasync()
}
