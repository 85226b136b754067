import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from './config.js'
import { FleetError } from './errors.js'
import { loadFleet, type Fleet } from './fleet.js'
import type { FleetData } from './fleet-schema.js'
import type { Logger } from './logger.js'

/**
 * Where the fleet lives once it was changed at run time (device registered, secret rotated,
 * fleet imported): `<data.dir>/fleet.json`. The configured `fleet.file` is only the seed
 * of a new data directory; from the first change on, this file is the fleet.
 */
export function savedFleetFile(config: Config): string {
  return join(config.data.dir, 'fleet.json')
}

/** The saved fleet when there is one, else the configured fleet file; the log says which. */
export function loadServiceFleet(config: Config, logger: Logger): Fleet {
  const saved = savedFleetFile(config)
  const seed = config.fleet.file
  if (!existsSync(saved)) {
    const fleet = loadNamed(seed)
    logger.info({ file: seed, devices: fleet.data.devices.length }, 'fleet loaded from the fleet file')
    return fleet
  }
  const fleet = loadNamed(saved)
  logger.info({ file: saved, seed, devices: fleet.data.devices.length }, 'fleet loaded from the data directory')
  if (isNewer(seed, saved)) {
    // An edited seed is easy to mistake for the fleet in force; say so once, at start.
    const message = 'the fleet file changed after the saved fleet and is ignored; import it with POST /api/fleet/import'
    logger.warn({ file: saved, seed }, message)
  }
  return fleet
}

/**
 * Writes the fleet atomically: a temporary file in the same directory, flushed to disk,
 * then renamed over the old one, so a crash leaves the old fleet or the new one, never half
 * of either. Mode 0600: the file holds every device's secret hash.
 */
export function saveFleetFile(file: string, data: FleetData): void {
  const temporary = `${file}.${process.pid}.tmp`
  const fd = openSync(temporary, 'w', 0o600)
  try {
    writeSync(fd, `${JSON.stringify(data, null, 2)}\n`)
    fsyncSync(fd)
  } catch (err: unknown) {
    closeSync(fd)
    rmSync(temporary, { force: true })
    throw err
  }
  closeSync(fd)
  renameSync(temporary, file)
}

/** loadFleet, with the file named in the error: with two candidate files, which one is broken matters. */
function loadNamed(file: string): Fleet {
  try {
    return loadFleet(file)
  } catch (err: unknown) {
    if (!(err instanceof FleetError) || err.message.includes(file)) throw err
    throw new FleetError(`${file}: ${err.message}`, { cause: err, details: { ...err.details, file } })
  }
}

function isNewer(file: string, than: string): boolean {
  try {
    return statSync(file).mtimeMs > statSync(than).mtimeMs
  } catch {
    // A seed that cannot be read is not in force anyway; loading the saved fleet succeeded.
    return false
  }
}
