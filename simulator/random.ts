/**
 * Seeded pseudo-random numbers. Every stream (one per device and metric) has its own
 * generator, so the values a device publishes do not depend on how the publishing of
 * different devices interleaves in time.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  /** Standard normal (mean 0, standard deviation 1). */
  gaussian(): number
}

/** A generator whose sequence is fixed by the seed and the stream key. */
export function createRandom(seed: number, streamKey: string): Random {
  let state = hashSeed(seed, streamKey)

  // mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2^32, fast and well
  // distributed enough for sensor noise; not for anything cryptographic.
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }

  // Box-Muller transform; 1 - next() keeps the logarithm's argument in (0, 1].
  const gaussian = (): number => {
    const radius = Math.sqrt(-2 * Math.log(1 - next()))
    return radius * Math.cos(2 * Math.PI * next())
  }

  return { next, gaussian }
}

/** FNV-1a over the seed and key, so nearby seeds and similar keys give unrelated streams. */
function hashSeed(seed: number, streamKey: string): number {
  const text = `${seed}:${streamKey}`
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
