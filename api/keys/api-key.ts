import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * An API key is `fwk_<id>_<secret>`: the id (12 hex) finds the stored row without scanning,
 * the secret (32 random bytes, base64url) is what proves possession. Only SHA-256 of the
 * secret is stored. A slow hash (scrypt, as for device secrets) buys nothing here: with 256
 * random bits there is nothing to brute-force, and every API request would pay for it.
 */
const KEY_PATTERN = /^fwk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/

export interface ParsedKey {
  id: string
  secret: string
}

export function generateApiKey(): { id: string, key: string, hash: string } {
  const id = randomBytes(6).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { id, key: `fwk_${id}_${secret}`, hash: hashSecret(secret) }
}

export function parseApiKey(key: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(key)
  if (match === null) return undefined
  return { id: match[1] as string, secret: match[2] as string }
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Constant-time comparison, so the response time does not leak how much of a hash matched. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex')
  const stored = Buffer.from(storedHash, 'hex')
  return given.length === stored.length && timingSafeEqual(given, stored)
}
