import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/**
 * A real InfluxDB 1.x server (Debian's influxd 1.6.7) for integration tests: its own temp
 * dir, HTTP and RPC on free 127.0.0.1 ports (so test files can run in parallel), no usage
 * reporting, quiet logs.
 */
export interface InfluxdHandle {
  url: string
  database: string
  port: number
  dir: string
  /** Ends influxd and removes its temp dir. */
  stop(): Promise<void>
  /** Stops (if running) and starts again on the same port with the same data dir. */
  restart(): Promise<void>
  /** SIGKILL: no shutdown, as in a crash. The data dir stays for restart(). */
  kill(): Promise<void>
}

const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000
const STDERR_TAIL_CHARS = 4_000
const START_ATTEMPTS = 3

interface Running {
  child: ChildProcess
  exited: Promise<void>
  output: () => string
}

const live = new Set<ChildProcess>()

// A test worker that dies without calling stop() must not leave influxd behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

/** Finds influxd on PATH, then in /usr/bin. */
function findInfluxd(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), '/usr/bin']
  for (const dir of dirs) {
    const candidate = join(dir, 'influxd')
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not in this directory (or not executable): try the next one.
    }
  }
  throw new Error('influxd not found: install Debian\'s influxdb package (apt-get install influxdb) '
    + 'or run npm test, which installs it')
}

/** A port that was free a moment ago; influxd binds it next (a clash is retried by the caller). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('could not read a free port')
  return address.port
}

/**
 * Keys and sections as `influxd config` prints them on 1.6.7. Debian renamed the top-level
 * `reporting-disabled` to `reporting-enabled`; both are set because influxd ignores unknown keys.
 */
function configText(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-enabled = false
reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"
  suppress-logo = true

[continuous_queries]
  enabled = false

[subscriber]
  enabled = false

[retention]
  enabled = false

[shard-precreation]
  enabled = false
`
}

function spawnInfluxd(binary: string, configFile: string): Running {
  const child = spawn(binary, ['-config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let tail = ''
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child)
      resolve()
    })
  })
  return { child, exited, output: () => tail }
}

async function isPingOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) })
    return response.status === 204
  } catch {
    // Not listening yet (connection refused) or slow to answer: the caller polls again.
    return false
  }
}

async function waitUntilReady(url: string, running: Running): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (hasExited(running)) {
      const how = running.child.exitCode ?? running.child.signalCode
      throw new Error(`influxd exited (${how}) before answering GET /ping; its output ends with:\n`
        + running.output())
    }
    if (await isPingOk(url)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`influxd did not answer GET ${url}/ping with 204 within ${READY_TIMEOUT_MS} ms; `
    + `its output ends with:\n${running.output()}`)
}

function hasExited(running: Running): boolean {
  return running.child.exitCode !== null || running.child.signalCode !== null
}

async function endProcess(running: Running | undefined, signal: NodeJS.Signals): Promise<void> {
  if (running === undefined || hasExited(running)) return
  running.child.kill(signal)
  const timer = setTimeout(() => running.child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await running.exited
  clearTimeout(timer)
}

async function createDatabase(url: string, database: string): Promise<void> {
  const body = new URLSearchParams({ q: `CREATE DATABASE "${database.replace(/"/g, '\\"')}"` })
  const response = await fetch(`${url}/query`, { method: 'POST', body })
  const text = await response.text()
  if (response.ok && !text.includes('"error"')) return
  throw new Error(`CREATE DATABASE ${database} failed: ${response.status} ${text}`)
}

/** Starts a throwaway influxd and creates `database` (default 'forewarn') on it. */
export async function startInfluxd(options: { database?: string } = {}): Promise<InfluxdHandle> {
  const binary = findInfluxd()
  const database = options.database ?? 'forewarn'
  const dir = mkdtempSync(join(tmpdir(), 'forewarn-influxd-'))
  const configFile = join(dir, 'influxd.conf')

  let port = 0
  let running: Running | undefined
  for (let attempt = 1; running === undefined; attempt++) {
    port = await freePort()
    writeFileSync(configFile, configText(dir, port, await freePort()))
    const candidate = spawnInfluxd(binary, configFile)
    try {
      await waitUntilReady(`http://127.0.0.1:${port}`, candidate)
      running = candidate
    } catch (err: unknown) {
      await endProcess(candidate, 'SIGKILL')
      // Another process may have taken a port between freePort() and influxd's bind.
      const isPortTaken = candidate.output().includes('address already in use')
      if (attempt < START_ATTEMPTS && isPortTaken) continue
      rmSync(dir, { recursive: true, force: true })
      throw err
    }
  }

  const url = `http://127.0.0.1:${port}`
  await createDatabase(url, database)
  return {
    url,
    database,
    port,
    dir,
    async stop() {
      await endProcess(running, 'SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
    async restart() {
      await endProcess(running, 'SIGTERM')
      running = spawnInfluxd(binary, configFile)
      await waitUntilReady(url, running)
    },
    async kill() {
      await endProcess(running, 'SIGKILL')
    },
  }
}
