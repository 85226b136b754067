import type { Transform } from 'node:stream'

/**
 * Writes the bytes to a stream in pieces of the given sizes (repeated in turn), ends it, and
 * resolves with everything it passed on; `onData` sees each piece as it passes.
 */
export async function feedInCuts(
  stream: Transform, bytes: Buffer, sizes: number[], onData?: (chunk: Buffer) => void,
): Promise<Buffer> {
  const out: Buffer[] = []
  stream.on('data', (chunk: Buffer) => {
    out.push(chunk)
    onData?.(chunk)
  })
  const ended = new Promise<void>((resolve, reject) => {
    stream.once('end', resolve)
    stream.once('error', reject)
  })
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number
    stream.write(bytes.subarray(offset, offset + size))
    offset += size
  }
  stream.end()
  await ended
  return Buffer.concat(out)
}
