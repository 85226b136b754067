import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto'

// scrypt parameters: N=2^14, r=8, p=1 are Node's defaults and the OWASP minimum for scrypt.
const KEY_LENGTH = 32
const SALT_BYTES = 16

/** Hashes a device secret as `scrypt$<salt base64>$<hash base64>`; the secret itself is never stored. */
export function hashSecret(secret: string): string {
  const salt = randomBytes(SALT_BYTES)
  const hash = scryptSync(secret, salt, KEY_LENGTH)
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** Constant-time check of a presented secret against a stored hash. */
export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, saltText, hashText] = stored.split('$')
  if (scheme !== 'scrypt' || saltText === undefined || hashText === undefined) return false
  const expected = Buffer.from(hashText, 'base64')
  const actual = scryptSync(secret, Buffer.from(saltText, 'base64'), expected.length)
  return expected.length === KEY_LENGTH && timingSafeEqual(actual, expected)
}

/**
 * verifySecret without blocking the event loop: scrypt runs on libuv's thread pool, so one
 * device's connect does not stall every other connection for the ~30 ms a hash takes.
 */
export async function verifySecretAsync(secret: string, stored: string): Promise<boolean> {
  const [scheme, saltText, hashText] = stored.split('$')
  if (scheme !== 'scrypt' || saltText === undefined || hashText === undefined) return false
  const expected = Buffer.from(hashText, 'base64')
  if (expected.length !== KEY_LENGTH) return false
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, Buffer.from(saltText, 'base64'), KEY_LENGTH, (err, key) => {
      if (err === null) resolve(key)
      else reject(err)
    })
  })
  return timingSafeEqual(actual, expected)
}
