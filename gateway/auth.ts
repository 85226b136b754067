import type { Client } from 'aedes'
import { verifySecretAsync, type Clock, type Device, type Fleet } from '../core/index.js'
import { AuthUnavailableError, DeviceAuthError, type AuthFailureReason } from './errors.js'
import { LoginThrottle } from './login-throttle.js'
import type { GatewayMetrics } from './metrics.js'

type Password = Buffer | undefined
type AuthDone = (error: (Error & { returnCode: number }) | null, success: boolean | null) => void

export interface DeviceAuth {
  /** aedes' authenticate hook. */
  authenticate(client: Client, username: string | undefined, password: Password, done: AuthDone): void
  /**
   * The device a connection authenticated as, as the fleet has it now; undefined when the
   * session no longer counts (the device was removed or disabled, or its secret changed).
   */
  deviceOf(client: Client): Device | undefined
  /** The device id a connection authenticated as, whether or not its session still counts. */
  deviceIdOf(client: Client): string | undefined
}

/** What a connection proved at CONNECT: who it is, and with which of its secrets. */
interface Session {
  deviceId: string
  secretHash: string
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
 *
 * The fleet can change while devices are connected (operators rotate secrets, disable and
 * remove devices), so a session keeps only the device id and the hash it was checked
 * against, and every use looks the device up again: a stale session publishes nothing,
 * even before the gateway has closed its connection.
 */
export function createDeviceAuth(
  fleet: Fleet, metrics: GatewayMetrics, limits: { failedLoginsPerMinute: number, clock: Clock },
): DeviceAuth {
  const sessions = new WeakMap<Client, Session>()
  const throttle = new LoginThrottle({ limit: limits.failedLoginsPerMinute, windowMs: 60_000 })

  function authenticate(client: Client, username: string | undefined, password: Password, done: AuthDone): void {
    const address = addressOf(client)
    const check = throttle.isBlocked(address, limits.clock.now())
      ? Promise.reject(new DeviceAuthError('login_throttled', { clientId: client.id, deviceId: username, address }))
      : checkCredentials(fleet, { clientId: client.id, username, password })
    check.then(
      (session) => {
        sessions.set(client, session)
        done(null, true)
      },
      (err: unknown) => {
        const refusal = err instanceof DeviceAuthError
          ? err
          : new AuthUnavailableError(err, { clientId: client.id, deviceId: username })
        if (refusal instanceof DeviceAuthError) {
          metrics.authFailures.inc({ reason: refusal.reason })
          if (COUNTED_FAILURES.has(refusal.reason)) throttle.recordFailure(address, limits.clock.now())
        }
        done(refusal, false)
      },
    ).catch((err: unknown) => {
      // Only a throw from aedes' own continuation lands here; aedes reports it as clientError.
      client.emit('error', err)
    })
  }

  const deviceOf = (client: Client): Device | undefined => {
    const session = sessions.get(client)
    if (session === undefined) return undefined
    const device = fleet.device(session.deviceId)
    return device !== undefined && isCurrent(device, session.secretHash) ? device : undefined
  }

  return { authenticate, deviceOf, deviceIdOf: (client) => sessions.get(client)?.deviceId }
}

/** Failures a client caused with what it sent; a throttled or disabled refusal does not extend the window. */
const COUNTED_FAILURES = new Set<AuthFailureReason>(['credentials_missing', 'client_id_rejected', 'device_unknown', 'secret_invalid'])

/** The remote address of a TCP, TLS or WebSocket connection; 'unknown' when the transport has none. */
function addressOf(client: Client): string {
  const conn = client.conn as { remoteAddress?: string, socket?: { remoteAddress?: string } } | undefined
  return conn?.remoteAddress ?? conn?.socket?.remoteAddress ?? 'unknown'
}

interface Credentials {
  clientId: string
  username: string | undefined
  password: Buffer | undefined
}

async function checkCredentials(fleet: Fleet, credentials: Credentials): Promise<Session> {
  const { clientId, username, password } = credentials
  if (username === undefined || username === '' || password === undefined || password.length === 0) {
    throw new DeviceAuthError('credentials_missing', { clientId })
  }
  // Checked before the (slow) hash: a mismatch is refused whatever the secret.
  if (clientId !== username) throw new DeviceAuthError('client_id_rejected', { clientId, deviceId: username })

  const device = fleet.device(username)
  if (device === undefined) throw new DeviceAuthError('device_unknown', { clientId, deviceId: username })
  const { secretHash } = device
  const isValid = await verifySecretAsync(password.toString('utf8'), secretHash)
  if (!isValid) throw new DeviceAuthError('secret_invalid', { clientId, deviceId: username })

  // The hash took a while; the fleet may have changed meanwhile. Judge by the fleet of now.
  const now = fleet.device(username)
  if (now === undefined) throw new DeviceAuthError('device_unknown', { clientId, deviceId: username })
  if (now.secretHash !== secretHash) throw new DeviceAuthError('secret_invalid', { clientId, deviceId: username })
  if (now.disabled === true) throw new DeviceAuthError('device_disabled', { clientId, deviceId: username })
  return { deviceId: username, secretHash }
}

function isCurrent(device: Device, secretHash: string): boolean {
  return device.disabled !== true && device.secretHash === secretHash
}
