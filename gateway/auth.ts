import type { Client } from 'aedes'
import { verifySecretAsync, type Device, type Fleet } from '../core/index.js'
import { AuthUnavailableError, DeviceAuthError } from './errors.js'
import type { GatewayMetrics } from './metrics.js'

type Password = Buffer | undefined
type AuthDone = (error: (Error & { returnCode: number }) | null, success: boolean | null) => void

export interface DeviceAuth {
  /** aedes' authenticate hook. */
  authenticate(client: Client, username: string | undefined, password: Password, done: AuthDone): void
  /** The device a connection authenticated as. */
  deviceOf(client: Client): Device | undefined
}

/**
 * Device authentication: the MQTT user name is the device id, the password its secret.
 *
 * ClientId rule: the clientId must equal the device id. aedes (like any MQTT broker) closes
 * an existing session when a new CONNECT arrives with the same clientId [MQTT-3.1.4-2]; if
 * clientIds were free, one device could knock another off by borrowing its clientId. Tying
 * it to the authenticated id means only a device itself can take over its own session.
 * An empty clientId (server-assigned, [MQTT-3.1.3-6]) is refused too, with CONNACK 2
 * [MQTT-3.1.3-9].
 */
export function createDeviceAuth(fleet: Fleet, metrics: GatewayMetrics): DeviceAuth {
  const sessions = new WeakMap<Client, Device>()

  function authenticate(client: Client, username: string | undefined, password: Password, done: AuthDone): void {
    checkCredentials(fleet, { clientId: client.id, username, password }).then(
      (device) => {
        sessions.set(client, device)
        done(null, true)
      },
      (err: unknown) => {
        const refusal = err instanceof DeviceAuthError
          ? err
          : new AuthUnavailableError(err, { clientId: client.id, deviceId: username })
        if (refusal instanceof DeviceAuthError) metrics.authFailures.inc({ reason: refusal.reason })
        done(refusal, false)
      },
    ).catch((err: unknown) => {
      // Only a throw from aedes' own continuation lands here; aedes reports it as clientError.
      client.emit('error', err)
    })
  }

  return { authenticate, deviceOf: (client) => sessions.get(client) }
}

interface Credentials {
  clientId: string
  username: string | undefined
  password: Buffer | undefined
}

async function checkCredentials(fleet: Fleet, credentials: Credentials): Promise<Device> {
  const { clientId, username, password } = credentials
  if (username === undefined || username === '' || password === undefined || password.length === 0) {
    throw new DeviceAuthError('credentials_missing', { clientId })
  }
  // Checked before the (slow) hash: a mismatch is refused whatever the secret.
  if (clientId !== username) throw new DeviceAuthError('client_id_rejected', { clientId, deviceId: username })

  const device = fleet.device(username)
  if (device === undefined) throw new DeviceAuthError('device_unknown', { clientId, deviceId: username })
  const isValid = await verifySecretAsync(password.toString('utf8'), device.secretHash)
  if (!isValid) throw new DeviceAuthError('secret_invalid', { clientId, deviceId: username })
  return device
}
