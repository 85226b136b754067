import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { datasetFile } from '../helpers/datasets.js'

const run = promisify(execFile)
/** The folder holding nab/, as --data takes it. */
const DATASETS = dirname(datasetFile('nab'))
const outDir = mkdtempSync(join(tmpdir(), 'forewarn-eval-cli-'))

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true })
})

async function evalCli(args: string[]): Promise<{ stdout: string, stderr: string, code: number }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'app/cli/eval.ts', ...args])
    return { stdout, stderr, code: 0 }
  } catch (err: unknown) {
    const failed = err as { stdout: string, stderr: string, code: number }
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code }
  }
}

describe('npm run eval -- nab', () => {
  it('prints the results table, writes NAB result files and ends with one JSON line', async () => {
    const { stdout, code } = await evalCli(['nab', '--data', DATASETS, '--out', outDir, '--json', '--no-progress'])
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
    expect(code).toBe(0)
    expect(stdout).toContain('total (threshold tuned in-sample)')
    expect(summary).toMatchObject({ suite: 'nab', files: 58, rows: 365_558, windows: 116, detector: 'forewarn' })
    expect(readdirSync(join(outDir, 'results', 'forewarn', 'realKnownCause'))).toContain('forewarn_nyc_taxi.csv')
    expect(existsSync(join(outDir, 'results', 'forewarn', 'forewarn_standard_scores.csv'))).toBe(true)
  })

  it('scores another detector\'s results with --scores (numenta: 70.10 / 63.21 / 74.32)', async () => {
    const scores = join(DATASETS, 'nab', 'reference', 'detector_scores', 'numenta')
    const { stdout } = await evalCli(['nab', '--data', DATASETS, '--out', outDir, '--scores', scores, '--json'])
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
    expect(summary.scores).toEqual({ standard: 70.1, reward_low_FP_rate: 63.21, reward_low_FN_rate: 74.32 })
  })

  it('exits with status 2 and the usage on an unknown suite or flag', async () => {
    const suite = await evalCli(['nope'])
    const flag = await evalCli(['nab', '--bogus'])
    expect([suite.code, flag.code]).toEqual([2, 2])
    expect(suite.stderr).toContain('unknown suite "nope"')
    expect(flag.stderr).toContain('usage: npm run eval')
  })

  it('names the missing dataset with FW_ERR_MDL_DATASET_NOT_FOUND and exits with status 1', async () => {
    const { stderr, code } = await evalCli(['nab', '--data', outDir, '--no-progress'])
    expect(code).toBe(1)
    expect(stderr).toContain('forewarn: FW_ERR_MDL_DATASET_NOT_FOUND: NAB windows file')
  })
})

describe('npm run eval -- fleet', () => {
  it('prints the results table and ends with one JSON line whose figures add up', async () => {
    const fleetOut = join(outDir, 'fleet')
    const args = ['fleet', '--assets', '6', '--days', '10', '--seed', '7', '--out', fleetOut, '--json', '--no-progress']
    const { stdout, code } = await evalCli(args)
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as
      { caught: number, late: number, missed: number, failures: number, recall: number }
    expect(code).toBe(0)
    expect(stdout).toContain('false work orders per 100 asset-months')
    expect(summary).toMatchObject({ suite: 'fleet', assets: 6, days: 10, seed: 7, leadHours: 24 })
    expect(summary.caught + summary.late + summary.missed).toBe(summary.failures)
    expect(summary.recall).toBeCloseTo(summary.failures === 0 ? 1 : summary.caught / summary.failures, 4)
    expect(existsSync(join(fleetOut, 'outcomes.json'))).toBe(true)

    const again = await evalCli(args)
    expect(again.stdout.trim().split('\n').at(-1)?.replace(/"elapsedMs":\d+,/, ''))
      .toBe(stdout.trim().split('\n').at(-1)?.replace(/"elapsedMs":\d+,/, ''))
  })
})
