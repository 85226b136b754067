/*
 * Child process for the simultaneous-signal tests: opens dispatch on a shared database file,
 * says it is ready (creates <barrier>.<slot>.ready), waits for <barrier>.go, handles one
 * signal and prints what happened. Usage:
 *   node --import tsx signal-writer.ts <dataDir> <dbFile> <barrier> <slot> <signalId>
 */
import { existsSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { makeDispatch, makeSignal } from './fixtures.js'

const [dataDir = '', dbFile = '', barrier = '', slot = '', signalId = ''] = process.argv.slice(2)
const { dispatch } = makeDispatch({ dataDir, dbFile })
await dispatch.start()
writeFileSync(`${barrier}.${slot}.ready`, '')
// Both processes leave this loop within a millisecond of each other.
while (!existsSync(`${barrier}.go`)) await sleep(1)
const workOrder = dispatch.handleSignal(makeSignal({ id: signalId }))
await dispatch.stop()
process.stdout.write(`${JSON.stringify({ workOrderId: workOrder?.id ?? null })}\n`)
