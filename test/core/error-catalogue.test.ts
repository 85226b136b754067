import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CORE_ERROR_CODES } from '../../core/index.js'
import { GATEWAY_ERROR_CODES } from '../../gateway/index.js'
import { INGEST_ERROR_CODES } from '../../ingest/index.js'
import { MODELS_ERROR_CODES } from '../../models/index.js'
import { DISPATCH_ERROR_CODES } from '../../dispatch/index.js'
import { SIMULATOR_ERROR_CODES } from '../../simulator/index.js'
import { API_ERROR_CODES } from '../../api/index.js'

const catalogue: Record<string, readonly string[]> = {
  CFG: CORE_ERROR_CODES,
  GW: GATEWAY_ERROR_CODES,
  ING: INGEST_ERROR_CODES,
  MDL: MODELS_ERROR_CODES,
  DSP: DISPATCH_ERROR_CODES,
  SIM: SIMULATOR_ERROR_CODES,
  HTTP: API_ERROR_CODES.filter((code) => code.startsWith('FW_ERR_HTTP_')),
  AUTH: API_ERROR_CODES.filter((code) => code.startsWith('FW_ERR_AUTH_')),
  API: API_ERROR_CODES.filter((code) => code.startsWith('FW_ERR_API_')),
}
const allCodes = Object.values(catalogue).flat()

describe('error catalogue', () => {
  it('gives every code the FW_ERR_<AREA>_<PROBLEM> shape of its own area', () => {
    const misplaced = Object.entries(catalogue)
      .flatMap(([area, codes]) => codes.filter((code) => !new RegExp(`^FW_ERR_${area}_[A-Z]+(_[A-Z]+)*$`).test(code)))
    expect(misplaced).toEqual([])
  })

  it('never uses a code twice', () => {
    expect(allCodes.length).toBe(new Set(allCodes).size)
  })

  it('documents every code in docs/errors.md', () => {
    const doc = readFileSync('docs/errors.md', 'utf8')
    expect(allCodes.filter((code) => !doc.includes(`\`${code}\``))).toEqual([])
  })
})
