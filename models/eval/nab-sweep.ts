import { probationLength, scaledSigmoid, type NabProfile } from './nab-profiles.js'

/** A labelled anomaly window as an inclusive range of row indices. */
export interface WindowRows {
  start: number
  end: number
}

/** What the scorer needs to know of a data file: its length and its windows, in row order. */
export interface NabFileShape {
  name: string
  rows: number
  windows: readonly WindowRows[]
}

/** One file's per-row detection values under one profile (NAB's `calcSweepScore`). */
export interface FileSweep {
  name: string
  profile: NabProfile
  rows: number
  /** Rows before this index are probationary and never scored. */
  probation: number
  /** What a detection at each row is worth: positive inside a window, negative outside. */
  values: Float64Array
  /** Index of the window each row lies in; −1 outside every window. */
  windowOf: Int32Array
  /** Windows in the file; the perfect score counts all of them. */
  windowCount: number
  /** Windows with at least one non-probationary row; only these count as hit or missed. */
  scoredWindows: number[]
}

/** NAB's value of the earliest row of a window, s(−1) ≈ 0.98661, which scales TPs to A_tp. */
const MAX_TP = scaledSigmoid(-1)

/**
 * Values per row as NAB's sweeper computes them: inside a window the scaled sigmoid of the
 * position, from A_tp at the left edge towards 0 at the right edge; outside, −A_fp before any
 * window has ended, else A_fp · s(p) with p the distance past the most recent window in units
 * of (its width − 1), so a detection just after a window costs little.
 */
export function sweepFile(file: NabFileShape, profile: NabProfile): FileSweep {
  const { rows, windows } = file
  const values = new Float64Array(rows)
  const windowOf = new Int32Array(rows).fill(-1)
  let next = 0
  let current = -1
  let previous: WindowRows | null = null

  for (let i = 0; i < rows; i++) {
    if (current < 0 && windows[next]?.start === i) current = next++
    const window = windows[current]
    if (window !== undefined) {
      const width = window.end - window.start + 1
      values[i] = (profile.tpWeight * scaledSigmoid(-(window.end - i + 1) / width)) / MAX_TP
      windowOf[i] = current
      if (i === window.end) {
        previous = window
        current = -1
      }
      continue
    }
    values[i] = profile.fpWeight * afterWindow(i, previous)
  }

  const probation = probationLength(rows)
  const scoredWindows = windows.flatMap((window, index) => (window.end >= probation ? [index] : []))
  return {
    name: file.name, profile, rows, probation, values, windowOf, windowCount: windows.length, scoredWindows,
  }
}

/** Unweighted value of a detection outside any window, given the last window that ended. */
function afterWindow(row: number, previous: WindowRows | null): number {
  if (previous === null) return -1
  const width = previous.end - previous.start + 1
  // A one-row window would divide by zero in NAB; treat everything after it as far away.
  if (width < 2) return -1
  return scaledSigmoid(Math.abs(row - previous.end) / (width - 1))
}
