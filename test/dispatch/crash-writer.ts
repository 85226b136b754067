/*
 * Child process for the crash test: commits one work order with its pending notice, reports
 * the work order id on stdout and kills itself with SIGKILL, so neither stop() nor the
 * outbox ever runs. Usage: node --import tsx crash-writer.ts <dataDir> <dbFile>
 */
import { writeSync } from 'node:fs'
import { makeDispatch, makeSignal } from './fixtures.js'

const [dataDir = '', dbFile = ''] = process.argv.slice(2)
const { dispatch } = makeDispatch({ dataDir, dbFile })
await dispatch.start()
const workOrder = dispatch.handleSignal(makeSignal())
// Synchronous write: the report must be out before the process dies.
writeSync(1, `${JSON.stringify({ workOrderId: workOrder?.id })}\n`)
process.kill(process.pid, 'SIGKILL')
