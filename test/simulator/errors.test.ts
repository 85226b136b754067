import { describe, expect, it } from 'vitest'
import { isForewarnError } from '../../core/index.js'
import { SIMULATOR_ERROR_CODES, SimulatorError } from '../../simulator/index.js'

describe('simulator errors', () => {
  it('declares unique FW_ERR_SIM_ codes', () => {
    expect(new Set(SIMULATOR_ERROR_CODES).size).toBe(SIMULATOR_ERROR_CODES.length)
    expect(SIMULATOR_ERROR_CODES.filter((code) => !/^FW_ERR_SIM_[A-Z_]+$/.test(code))).toEqual([])
  })

  it('carries its code, details and cause as a ForewarnError', () => {
    const cause = new Error('ENOENT')
    const err = new SimulatorError('FW_ERR_SIM_CSV_NOT_FOUND', 'file: a.csv does not exist', {
      cause, details: { file: 'a.csv' },
    })

    expect(isForewarnError(err)).toBe(true)
    expect({ name: err.name, code: err.code, details: err.details, cause: err.cause }).toEqual({
      name: 'SimulatorError', code: 'FW_ERR_SIM_CSV_NOT_FOUND', details: { file: 'a.csv' }, cause,
    })
  })
})
