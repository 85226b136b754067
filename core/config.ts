import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { distance as editDistance } from 'fastest-levenshtein'
import { z } from 'zod'
import { ConfigError } from './errors.js'

/**
 * Every setting, with its default. Units are in the key names. Each key is also read from
 * the environment as FOREWARN_<SECTION>_<KEY> (camelCase becomes UPPER_SNAKE), which wins
 * over the optional JSON config file, which wins over these defaults.
 */
const DEFAULTS = {
  data: {
    /** Where SQLite files, the embedded telemetry store and written emails live. */
    dir: './data',
  },
  log: {
    level: 'info',
  },
  api: {
    /**
     * An admin API key (fwk_<12 hex>_<43 base64url>) accepted besides the stored keys; empty:
     * on first start Forewarn makes one and writes it to <data.dir>/admin-api-key (mode 0600).
     */
    adminKey: '',
    /** Requests per key (or per address, before authentication) and minute. */
    rateLimitPerMinute: 600,
    /** Largest request body, measured after decompression. */
    bodyLimitBytes: 1_048_576,
    /** Longest query string (the part after `?`). */
    maxQueryBytes: 4096,
  },
  mqtt: {
    host: '127.0.0.1',
    /** 0 picks a free port. */
    port: 1883,
    /** Messages above this size are refused before parsing. */
    maxMessageBytes: 262_144,
    /** A telemetry array (batch) with more entries is refused as a whole. */
    maxEntriesPerBatch: 1000,
    /** A telemetry message with a reading set of more metrics is refused as a whole. */
    maxMetricsPerEntry: 256,
    /** Readings stamped further ahead of their arrival are refused (366 days). */
    maxFutureMs: 31_622_400_000,
    /** Readings stamped further behind their arrival are refused; 0 = no limit (backfills, replays). */
    maxPastMs: 0,
    /** Per device: sustained messages per second; a faster device is slowed down, not cut off. */
    maxMessagesPerSecond: 1000,
    /** Per device: messages it may send at full speed before the sustained rate applies. */
    messageBurst: 30_000,
    /** Failed logins from one client address per minute before its CONNECTs wait out the minute. */
    failedLoginsPerMinute: 20,
    /** At most one log line per device and refusal reason per interval; the rest are counted. */
    refusalLogIntervalMs: 60_000,
    /** A device is silent after this many of its expected intervals without telemetry... */
    silenceFactor: 3,
    /** ...and never sooner than this. */
    silenceMinMs: 60_000,
    silenceCheckIntervalMs: 5_000,
    /** PEM files; both set: a TLS listener on tlsPort (0 picks a free port). */
    tlsCertFile: '',
    tlsKeyFile: '',
    tlsPort: 8883,
    /** MQTT over WebSocket; -1: no WebSocket listener, 0 picks a free port. */
    wsPort: -1,
    /** Set: consume from this external broker as a client instead of running the embedded one. */
    brokerUrl: '',
    brokerUsername: '',
    brokerPassword: '',
    /** Stable per instance, so the broker keeps its session (queued messages) across restarts. */
    brokerClientId: '',
    /** Instances with the same group split the devices' messages ($share/<group>/...); empty: no sharing. */
    sharedGroup: 'forewarn',
  },
  http: {
    host: '127.0.0.1',
    /** 0 picks a free port. */
    port: 8080,
  },
  influx: {
    /** Empty: telemetry goes to the embedded SQLite store under data.dir. */
    url: '',
    /** Which API to speak: 1 (/write, /query), 2 (/api/v2/write), 3 (/api/v3/write_lp); auto asks /ping. */
    version: 'auto',
    /** 1.x database; 3.x database; on 2.x the bucket when influx.bucket is empty. */
    database: 'forewarn',
    /** 1.x and 2.x (DBRP) retention policy; empty: the default one. */
    retentionPolicy: '',
    /** 2.x organization (name or id), required by 2.x writes. */
    org: '',
    /** 2.x bucket (3.x: database); empty: influx.database. */
    bucket: '',
    /** InfluxDB 2.x/3.x token (sent as `Authorization: Token`). */
    token: '',
    /** InfluxDB 1.x credentials. */
    username: '',
    password: '',
    batchSize: 5000,
    flushIntervalMs: 1000,
    /** A write body stays below this (InfluxDB 3.x refuses 10 MiB by default, 1.x 25 MB). */
    maxBatchBytes: 4_194_304,
    /** Batches written at the same time; more hides round trips, order is kept by the cursor. */
    maxWritesInFlight: 4,
  },
  spool: {
    /** Accepted readings are made durable here before their PUBACK; empty: <data.dir>/spool. */
    dir: '',
    /** Unstored spool bytes on disk at most; beyond it devices are slowed (PUBACKs withheld). */
    maxBytes: 1_073_741_824,
    /** Spooled readings also kept in memory for the writer; beyond it they are read back from disk. */
    maxMemoryBytes: 67_108_864,
    /** How long a graceful stop keeps writing before it leaves the rest in the spool. */
    stopTimeoutMs: 10_000,
  },
  fleet: {
    /** JSON file with customers, sites, assets, devices, technicians and equipment types. */
    file: 'fleet/sample.json',
  },
  smtp: {
    /** Empty: emails are written as .eml files under data.dir/mail instead of being sent. */
    url: '',
    from: 'Forewarn <forewarn@localhost>',
  },
  models: {
    /** Readings a stream needs before its baseline may raise an alarm. */
    warmupReadings: 200,
    /** Robust z-score above which a reading counts as anomalous. */
    anomalyZ: 6,
    /** Consecutive anomalous readings before an anomaly Signal is raised. */
    anomalyMinRun: 3,
    /** Degradation is only reported when the predicted crossing is within this horizon. */
    horizonHours: 336,
    /** CUSUM slack k, in robust SDs: shifts smaller than this are ignored (models/change-detector.ts). */
    cusumSlack: 1,
    /** CUSUM alarm threshold h, in robust SDs summed over readings (models/change-detector.ts). */
    cusumThreshold: 25,
  },
  dispatch: {
    /** A visit must end at least this long before the predicted failure. */
    safetyMarginHours: 12,
    /** Deadline for anomalies that carry no failure prediction. */
    defaultDeadlineHours: 72,
    visitDurationHours: 2,
    /** How often the notice outbox is drained. */
    outboxIntervalMs: 500,
    /** Playbooks: which signal triggers which action, deadline, owner and escalation chain. */
    playbooksFile: 'fleet/playbooks.json',
    /** How often escalation deadlines are checked (wall clock; deadlines are in the data clock). */
    escalationIntervalMs: 60_000,
    /** Technicians whose earliest slots lie this close to the earliest one compete on load. */
    balanceWindowHours: 2,
    /** After a "fault confirmed" completion, the asset's readings are watched this long. */
    closureWatchHours: 72,
    /** Consecutive readings still as bad as the evidence that reopen the work order. */
    closureAnomalyReadings: 5,
    /** Customer emails wait this long (timer drains only) so a burst can become one digest. */
    digestWindowMs: 30_000,
    /** Pending emails about this many work orders of one customer go out as one digest. */
    digestThreshold: 3,
    webhookTimeoutMs: 10_000,
  },
} as const

const port = z.coerce.number().int().min(0).max(65_535)
const positiveInt = z.coerce.number().int().positive()
const positive = z.coerce.number().positive()

// Strict objects: a key no setting has (a typo such as http.prot) is an issue, not ignored.
export const configSchema = z.strictObject({
  data: z.strictObject({ dir: z.string().min(1) }),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  api: z.strictObject({
    adminKey: z.union([
      z.literal(''),
      z.string().regex(/^fwk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/, 'an API key looks like fwk_<12 hex>_<43 base64url>'),
    ]),
    rateLimitPerMinute: positiveInt,
    bodyLimitBytes: positiveInt,
    maxQueryBytes: positiveInt,
  }),
  mqtt: z.strictObject({
    host: z.string().min(1),
    port,
    maxMessageBytes: positiveInt,
    maxEntriesPerBatch: positiveInt,
    maxMetricsPerEntry: positiveInt,
    maxFutureMs: z.coerce.number().int().min(0),
    maxPastMs: z.coerce.number().int().min(0),
    maxMessagesPerSecond: positive,
    messageBurst: positiveInt,
    failedLoginsPerMinute: positiveInt,
    refusalLogIntervalMs: z.coerce.number().int().min(0),
    silenceFactor: z.coerce.number().min(1),
    silenceMinMs: positiveInt,
    silenceCheckIntervalMs: positiveInt,
    tlsCertFile: z.string(),
    tlsKeyFile: z.string(),
    tlsPort: port,
    wsPort: z.coerce.number().int().min(-1).max(65_535),
    brokerUrl: z.union([z.literal(''), z.url({ protocol: /^(mqtts?|wss?|tcp|ssl)$/ })]),
    brokerUsername: z.string(),
    brokerPassword: z.string(),
    brokerClientId: z.string(),
    sharedGroup: z.string().regex(/^[^/+#]*$/, 'a shared-subscription group name has no / + or #'),
  }),
  http: z.strictObject({ host: z.string().min(1), port }),
  influx: z.strictObject({
    url: z.union([z.literal(''), z.url()]),
    // Coerced so a JSON config file may say 2 as well as "2".
    version: z.coerce.string().pipe(z.enum(['auto', '1', '2', '3'])),
    database: z.string().min(1),
    retentionPolicy: z.string(),
    org: z.string(),
    bucket: z.string(),
    token: z.string(),
    username: z.string(),
    password: z.string(),
    batchSize: positiveInt,
    flushIntervalMs: positiveInt,
    maxBatchBytes: positiveInt,
    maxWritesInFlight: positiveInt,
  }).superRefine((influx, ctx) => {
    // A 2.x write without org is refused with 400, which would dead-letter every reading.
    if (influx.version === '2' && influx.url !== '' && influx.org === '') {
      ctx.addIssue({ code: 'custom', path: ['org'], message: 'InfluxDB 2.x needs an organization' })
    }
  }),
  spool: z.strictObject({
    dir: z.string(),
    maxBytes: positiveInt,
    maxMemoryBytes: positiveInt,
    stopTimeoutMs: positiveInt,
  }),
  fleet: z.strictObject({ file: z.string().min(1) }),
  smtp: z.strictObject({ url: z.string(), from: z.string().min(1) }),
  models: z.strictObject({
    warmupReadings: positiveInt,
    anomalyZ: positive,
    anomalyMinRun: positiveInt,
    horizonHours: positive,
    cusumSlack: z.coerce.number().min(0),
    cusumThreshold: positive,
  }),
  dispatch: z.strictObject({
    safetyMarginHours: z.coerce.number().min(0),
    defaultDeadlineHours: positive,
    visitDurationHours: positive,
    outboxIntervalMs: positiveInt,
    playbooksFile: z.string().min(1),
    escalationIntervalMs: positiveInt,
    balanceWindowHours: z.coerce.number().min(0),
    closureWatchHours: positive,
    closureAnomalyReadings: positiveInt,
    digestWindowMs: z.coerce.number().int().min(0),
    digestThreshold: z.coerce.number().int().min(2),
    webhookTimeoutMs: positiveInt,
  }),
})

export type Config = z.infer<typeof configSchema>
type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] }
export type ConfigOverrides = DeepPartial<Config>

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv
  /** JSON file; also taken from FOREWARN_CONFIG_FILE. */
  file?: string
  /** Applied last; used by tests and the CLI commands. */
  overrides?: ConfigOverrides
}

/** Name of the environment variable that sets `section.key`. */
export function envName(section: string, key: string): string {
  return `FOREWARN_${section}_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2')}`.toUpperCase()
}

/**
 * FOREWARN_ variables that are not settings but are read elsewhere. Every other FOREWARN_
 * variable that no setting uses is refused at start-up, so a typo cannot go unnoticed.
 */
const OTHER_VARIABLES: ReadonlySet<string> = new Set([
  // Read here, by loadConfig: the JSON config file.
  'FOREWARN_CONFIG_FILE',
  // Read by app/cli/eval.ts (`npm run eval`) and test/helpers/datasets.ts (dataset-backed tests).
  'FOREWARN_DATASETS_DIR',
])

/** One problem of the configuration: a key (with its variable), or a variable alone. */
export interface ConfigIssue {
  /** `section.key`, or the unknown key's path (`bogus`, `http.prot`); absent for a variable. */
  key?: string
  /** The variable that sets the key, or the unknown variable. */
  env?: string
  /** Where an unknown key came from. */
  from?: 'config file' | 'overrides'
  message: string
}

/** Loads, merges and validates the configuration once; the result is deep-frozen. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env
  const file = options.file ?? env.FOREWARN_CONFIG_FILE
  const fromFile = readConfigFile(file, options.file !== undefined ? 'the file option' : 'FOREWARN_CONFIG_FILE')
  const merged = mergeDeep(structuredClone(DEFAULTS) as Record<string, unknown>, fromFile)
  mergeDeep(merged, readEnv(env))
  mergeDeep(merged, (options.overrides ?? {}) as Record<string, unknown>)

  const issues = unknownVariables(env)
  const parsed = configSchema.safeParse(merged)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const path = [...issue.path.map(String), key]
          const hint = knownKeyNear(path)
          issues.push({
            key: path.join('.'),
            from: hasPath(fromFile, path) ? 'config file' : 'overrides',
            message: 'unknown key' + (hint === undefined ? '' : `; did you mean ${hint}?`),
          })
        }
        continue
      }
      issues.push({
        key: issue.path.join('.'),
        env: issue.path.length === 2 ? envName(String(issue.path[0]), String(issue.path[1])) : undefined,
        message: issue.message,
      })
    }
  }
  if (!parsed.success || issues.length > 0) {
    const list = issues.map((i) => (i.key === undefined ? `${i.env}: ` : `${i.key} (${i.env ?? i.from ?? 'file'}): `) + i.message)
    throw new ConfigError(`invalid configuration: ${list.join('; ')}`, { details: { issues } })
  }
  return deepFreeze(parsed.data)
}

/** Every configuration key with its environment variable and default, for docs and --help. */
export function describeConfig(): Array<{ key: string, env: string, default: unknown }> {
  return Object.entries(DEFAULTS).flatMap(([section, keys]) =>
    Object.entries(keys).map(([key, value]) => ({ key: `${section}.${key}`, env: envName(section, key), default: value })))
}

function readConfigFile(file: string | undefined, namedBy: string): Record<string, unknown> {
  if (file === undefined || file === '') return {}
  const path = resolve(file)
  const where = `config file ${file}${path === file ? '' : ` (${path})`}, named by ${namedBy},`
  const details = { file, path, namedBy }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'does not exist' : `could not be read: ${(err as Error).message}`
    throw new ConfigError(`${where} ${problem}`, { cause: err, details })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err: unknown) {
    const message = (err as Error).message.replace(/\s*\n\s*/g, ' ')
    const position = /at position (\d+)/.exec(message)
    const at = position === null ? '' : ` (${lineAndColumn(text, Number(position[1]))})`
    throw new ConfigError(`${where} is not valid JSON: ${message}${at}`, { cause: err, details })
  }
  if (!isPlainObject(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`
    throw new ConfigError(`${where} holds ${kind}, not a JSON object of sections ({ "http": { "port": 9000 } })`, { details })
  }
  return value
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n')
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`
}

function hasPath(value: unknown, path: readonly string[]): boolean {
  let current = value
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return false
    current = current[key]
  }
  return true
}

/** Every FOREWARN_ variable in env that neither a setting nor OTHER_VARIABLES uses, with a hint. */
function unknownVariables(env: NodeJS.ProcessEnv): ConfigIssue[] {
  const known = [...describeConfig().map((entry) => entry.env), ...OTHER_VARIABLES]
  const issues: ConfigIssue[] = []
  for (const name of Object.keys(env)) {
    if (!name.startsWith('FOREWARN_') || env[name] === undefined || known.includes(name)) continue
    const hint = nearest(name.slice('FOREWARN_'.length), known.map((k) => k.slice('FOREWARN_'.length)))
    issues.push({
      env: name,
      message: 'no setting uses this variable' + (hint === undefined ? '' : `; did you mean FOREWARN_${hint}?`),
    })
  }
  return issues
}

/** A known key close to an unknown one: a near spelling at its level, else the same key in another section. */
function knownKeyNear(path: readonly string[]): string | undefined {
  const sections: Record<string, object> = DEFAULTS
  const [section = '', key = ''] = path
  if (path.length === 1) return nearest(section, Object.keys(sections))
  const near = nearest(key, Object.keys(sections[section] ?? {}))
  if (near !== undefined) return `${section}.${near}`
  const elsewhere = describeConfig().map((entry) => entry.key).filter((known) => known.split('.')[1]?.toLowerCase() === key.toLowerCase())
  return elsewhere.length === 0 ? undefined : elsewhere.join(' or ')
}

/**
 * The candidate closest to word (case ignored), if within a third of its length: 2 edits at
 * least, so a swap of neighbours (prot for port) is found, 3 at most.
 */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.min(3, Math.max(2, Math.floor(word.length / 3))) + 1
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return best
}

function readEnv(env: NodeJS.ProcessEnv): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const [section, keys] of Object.entries(DEFAULTS)) {
    for (const key of Object.keys(keys)) {
      const value = env[envName(section, key)]
      if (value === undefined) continue
      out[section] ??= {}
      out[section][key] = value
    }
  }
  return out
}

function mergeDeep(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key]
    if (isPlainObject(value) && isPlainObject(current)) mergeDeep(current, value)
    else if (value !== undefined) target[key] = value
  }
  return target
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
