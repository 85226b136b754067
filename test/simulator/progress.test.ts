import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createProgressBar } from '../../simulator/index.js'

describe('createProgressBar', () => {
  it('draws label, count, rate and ETA on the given stream', () => {
    const stream = new PassThrough()
    const chunks: string[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
    const bar = createProgressBar({ stream })

    bar.start(10, 'replaying x.csv')
    bar.update(3)
    bar.stop()

    const lines = chunks.join('').split('\n').filter((line) => line !== '')
    expect(lines.at(-1)).toMatch(/^replaying x\.csv \[[█░]{40}\] 30% \| 3\/10 \| \d+\/s \| ETA \d+s$/)
  })
})
