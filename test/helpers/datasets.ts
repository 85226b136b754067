import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Where the public evaluation datasets live. They are read at run time and never committed:
 * FOREWARN_DATASETS_DIR when set, else `shared/datasets` beside the checkout, else the
 * workspace's /work/shared/datasets (CI clones the project elsewhere on the same machine).
 */
function candidates(): string[] {
  const fromEnv = process.env.FOREWARN_DATASETS_DIR
  return [
    ...(fromEnv === undefined || fromEnv === '' ? [] : [fromEnv]),
    join(REPO_ROOT, '..', 'shared', 'datasets'),
    '/work/shared/datasets',
  ]
}

/** Absolute path of a dataset file; a missing dataset fails the test with the way to fix it. */
export function datasetFile(relative: string): string {
  for (const dir of candidates()) {
    const file = join(dir, relative)
    if (existsSync(file)) return file
  }
  throw new Error(`dataset file ${relative} not found in ${candidates().join(', ')}: `
    + 'set FOREWARN_DATASETS_DIR to the folder holding nab/ and cmapss-fd001/')
}
