import { setTimeout as sleep } from 'node:timers/promises'

/** setTimeout overflows above 2^31 - 1 ms (and then fires at once), so long waits are chunked. */
const MAX_SLEEP_MS = 3_600_000

/**
 * Maps data-clock time to wall-clock time at a fixed speed (data ms per wall ms) from the
 * moment it is created. Speed 0 means no pacing at all.
 */
export interface Pacer {
  /** Resolves when the wall clock reaches the moment of `dataTime`, or at once when aborted. */
  waitFor(dataTime: number, signal: AbortSignal): Promise<void>
}

export function createPacer(speed: number, dataStart: number): Pacer {
  const wallStart = Date.now()

  const waitFor = async (dataTime: number, signal: AbortSignal): Promise<void> => {
    if (speed <= 0) return
    const due = wallStart + (dataTime - dataStart) / speed

    for (let delay = due - Date.now(); delay > 0 && !signal.aborted; delay = due - Date.now()) {
      try {
        await sleep(Math.min(delay, MAX_SLEEP_MS), undefined, { signal })
      } catch (err: unknown) {
        // An aborted sleep is the requested stop; callers check the signal after waiting.
        if (!signal.aborted) throw err
      }
    }
  }

  return { waitFor }
}
