import { SimulatorError } from './errors.js'

const BROKER_PROTOCOLS: ReadonlySet<string> = new Set(['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ws:', 'wss:'])

/** Rejects a broker URL mqtt.js could not use, naming the option. */
export function checkBrokerUrl(brokerUrl: string): void {
  let protocol: string
  try {
    protocol = new URL(brokerUrl).protocol
  } catch (err: unknown) {
    throw invalidOption('brokerUrl', brokerUrl, 'is not a URL', err)
  }
  if (!BROKER_PROTOCOLS.has(protocol)) {
    throw invalidOption('brokerUrl', brokerUrl, 'needs one of mqtt:, mqtts:, tcp:, tls:, ws:, wss:')
  }
}

/** An integer number of milliseconds (epoch or duration) at least `min`. */
export function checkMs(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalidOption(name, value, `must be an integer number of milliseconds >= ${min}`)
  }
  return value
}

/** Data-clock milliseconds per wall-clock millisecond; 0 disables pacing. */
export function checkSpeed(value: number): number {
  if (!Number.isFinite(value) || value < 0) throw invalidOption('speed', value, 'must be a number >= 0')
  return value
}

export function invalidOption(name: string, value: unknown, problem: string, cause?: unknown): SimulatorError {
  return new SimulatorError('FW_ERR_SIM_OPTIONS_INVALID', `${name} ${problem}, got ${JSON.stringify(value)}`,
    { cause, details: { option: name, value } })
}
