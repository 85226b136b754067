/*
 * Child process for the crash tests: commits one work order with its pending notices, reports
 * the work order id on stdout and kills itself with SIGKILL, so neither stop() nor the
 * outbox ever runs. Usage: node --import tsx crash-writer.ts <dataDir> <dbFile> [webhookUrl]
 */
import { writeSync } from 'node:fs'
import { makeDispatch, makeSignal, withWebhook } from './fixtures.js'

const [dataDir = '', dbFile = '', webhookUrl] = process.argv.slice(2)
const customizeFleet = webhookUrl === undefined ? undefined : withWebhook('cust-water', webhookUrl)
const { dispatch } = makeDispatch({ dataDir, dbFile, customizeFleet })
await dispatch.start()
const workOrder = dispatch.handleSignal(makeSignal())
// Synchronous write: the report must be out before the process dies.
writeSync(1, `${JSON.stringify({ workOrderId: workOrder?.id })}\n`)
process.kill(process.pid, 'SIGKILL')
