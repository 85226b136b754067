import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { GeneratorJob, GeneratorReport } from './load-generator.js'

const ENTRY = fileURLToPath(new URL('./load-generator.ts', import.meta.url))

export interface GeneratorProcess {
  /** Starts the load and resolves with the generator's report when its run is over. */
  run(): Promise<GeneratorReport>
}

/**
 * Forks the load generator (node with tsx's loader) and waits until every device session is
 * open. A separate process keeps its CPU off the pipeline's event loop and out of its RSS.
 */
export async function forkGenerator(job: GeneratorJob): Promise<GeneratorProcess> {
  const options = { execArgv: ['--import', 'tsx'], stdio: 'inherit' as const }
  const child = fork(ENTRY, ['--forewarn-load-generator'], options)
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`load generator exited with code ${code}`)))
  })
  // Observed through `next` while the run lasts; an exit after the report is the normal end.
  exited.catch(() => undefined)
  const next = <T>(): Promise<T> => {
    const message = new Promise<T>((resolve) => child.once('message', resolve))
    return Promise.race([message, exited])
  }

  child.send(job)
  await next<{ type: 'ready' }>()
  return {
    async run() {
      child.send({ type: 'go' })
      return next<GeneratorReport>()
    },
  }
}
