import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ApiKeyStore, ROLES, generateApiKey, type Role } from '../../api/index.js'
import { createLogger, loadConfig, loadServiceFleet } from '../../core/index.js'
import { scopeProblem } from '../../api/keys/key-scope.js'
import { exitWithError, printJsonSummary } from './args.js'

const USAGE = `usage: npm run keys -- <command> [options]

  generate                      print a new key without storing it (for FOREWARN_API_ADMIN_KEY)
  create --role R --name N      store a new key and print it; the key is shown only this once
         [--customer C]         required for, and only for, --role customer
         [--technician T]       required for, and only for, --role technician
  list                          every stored key, without secrets
  revoke ID                     revoke a key at once and for good

Keys live in <data.dir>/api-keys.sqlite (FOREWARN_DATA_DIR); this works while the service runs.
Roles: ${ROLES.join(', ')}. Add --json for one line of JSON on stdout.`

function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`)
  process.exit(2)
}

let parsed: ReturnType<typeof parse>
function parse() {
  return parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      role: { type: 'string' }, name: { type: 'string' }, customer: { type: 'string' }, technician: { type: 'string' },
      json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  })
}
try {
  parsed = parse()
} catch (err: unknown) {
  usageError(err instanceof Error ? err.message : String(err))
}
const { values, positionals } = parsed
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

try {
  const [command, ...rest] = positionals
  if (command === 'generate') {
    const { key } = generateApiKey()
    if (values.json) printJsonSummary({ key })
    else process.stdout.write(`${key}\n`)
    process.exit(0)
  }
  const config = loadConfig()
  mkdirSync(config.data.dir, { recursive: true })
  const store = new ApiKeyStore(join(config.data.dir, 'api-keys.sqlite'))
  try {
    if (command === 'create') {
      const role = values.role as Role | undefined
      if (role === undefined || !ROLES.includes(role)) usageError(`--role must be one of ${ROLES.join(', ')}`)
      if (values.name === undefined || values.name.trim() === '') usageError('--name is required')
      // The same rule as POST /api/keys, against the fleet the service runs with.
      const fleet = loadServiceFleet(config, createLogger({ level: 'silent' }))
      const problem = scopeProblem(fleet, role, values.customer, values.technician)
      if (problem !== null) usageError(`--${problem.field === 'customerId' ? 'customer' : 'technician'}: ${problem.message}`)
      const { key, info } = store.create({
        name: values.name.trim(), role,
        ...(values.customer === undefined ? {} : { customerId: values.customer }),
        ...(values.technician === undefined ? {} : { technicianId: values.technician }),
      })
      if (values.json) printJsonSummary({ ...info, key })
      else process.stdout.write(`${key}\n(key ${info.id}, role ${info.role}; it is not shown again)\n`)
    } else if (command === 'list') {
      const keys = store.list()
      if (values.json) printJsonSummary({ keys })
      else for (const k of keys) {
        const scope = k.customerId ?? k.technicianId ?? ''
        process.stdout.write(`${k.id}  ${k.role.padEnd(10)} ${scope.padEnd(16)} ${k.revokedAt === null ? 'active ' : 'revoked'}  ${k.name}\n`)
      }
    } else if (command === 'revoke') {
      const id = rest[0] ?? usageError('revoke needs a key id (see list)')
      const revoked = store.revoke(id) ?? exitWithError(notFound(id))
      if (values.json) printJsonSummary(revoked)
      else process.stdout.write(`revoked ${revoked.id} (${revoked.name}) at ${revoked.revokedAt ?? ''}\n`)
    } else {
      usageError(command === undefined ? 'a command is required' : `unknown command ${command}`)
    }
  } finally {
    store.close()
  }
} catch (err: unknown) {
  exitWithError(err)
}

/** The same code as DELETE /api/keys/:id for an unknown id: the arguments were fine, the key is not there. */
function notFound(id: string): Error & { code: string } {
  return Object.assign(new Error(`no API key ${id} (see npm run keys -- list)`), { code: 'FW_ERR_AUTH_KEY_NOT_FOUND' })
}
