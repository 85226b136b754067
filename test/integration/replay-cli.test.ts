import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { datasetFile } from '../helpers/datasets.js'

const NAB_MACHINE = datasetFile('nab/data/realKnownCause/machine_temperature_system_failure.csv')
// The labelled catastrophic-failure window (NAB combined_windows.json).
const FAILURE_WINDOW_START = Date.parse('2014-02-07T14:55:00Z')
const FAILURE_WINDOW_END = Date.parse('2014-02-09T14:05:00Z')

interface ReplayReport {
  rowsRead: number
  readingsStored: number
  signals: number
  workOrders: Array<{ createdAtMs: number }>
  signalTimeline: Array<{ detectedAt: string }>
}

function runReplay(args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'app/cli/replay.ts', ...args], { env: { ...process.env, FOREWARN_LOG_LEVEL: 'warn' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

describe('npm run replay (in-process service, real NAB machine data)', () => {
  it('stores every row and opens a work order before the failure window ends', async () => {
    const run = await runReplay(['--file', NAB_MACHINE, '--json', '--no-progress'])
    expect(run.code, run.stderr).toBe(0)
    const last = run.stdout.trim().split('\n').at(-1) ?? ''
    const report = JSON.parse(last) as ReplayReport

    expect([report.rowsRead, report.readingsStored]).toEqual([22_695, 22_695])
    expect(report.signals).toBeGreaterThan(0)
    expect(report.workOrders[0]?.createdAtMs).toBeLessThan(FAILURE_WINDOW_END)
    const inFailureWindow = report.signalTimeline.map((s) => Date.parse(s.detectedAt))
      .filter((t) => t >= FAILURE_WINDOW_START && t <= FAILURE_WINDOW_END)
    expect(inFailureWindow.length).toBeGreaterThan(0)
  }, 600_000)

  it('refuses a missing file with a coded error and exit code 1', async () => {
    const run = await runReplay(['--file', '/nonexistent.csv', '--json', '--no-progress'])

    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/FW_ERR_SIM_/)
  }, 120_000)
})
