import { createLogger, loadConfig, loadServiceFleet } from '../../core/index.js'
import { createService } from '../service.js'
import { exitWithError } from './args.js'
import { stopOnSignals } from './lifecycle.js'

// `npm start`: the service alone, configured by FOREWARN_* variables and FOREWARN_CONFIG_FILE.
try {
  const config = loadConfig()
  const logger = createLogger({ level: config.log.level })
  // The fleet saved in data.dir by the API's changes, else the fleet file (core/fleet-file.ts).
  const fleet = loadServiceFleet(config, logger)
  const service = createService({ config, fleet, logger })
  await service.start()
  stopOnSignals(logger, () => service.stop())
} catch (err: unknown) {
  exitWithError(err)
}
