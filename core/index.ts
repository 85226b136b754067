/** The base layer every capability builds on. Capabilities import only from here. */
export { ForewarnError, ConfigError, FleetError, isForewarnError, CORE_ERROR_CODES } from './errors.js'
export type { ForewarnErrorOptions } from './errors.js'
export type {
  AssetTags, Reading, DeviceEvent, SignalKind, Severity, FailureWindow, EvidencePoint, Evidence, Signal,
  WorkOrderStatus, VisitWindow, WorkOrderChange, WorkOrder, NoticeChannel, NoticeStatus, Notice,
} from './records.js'
export { loadConfig, describeConfig, envName, configSchema } from './config.js'
export type { Config, ConfigOverrides, LoadConfigOptions } from './config.js'
export { createLogger } from './logger.js'
export type { Logger, LoggerOptions } from './logger.js'
export { createMetricsRegistry, Registry } from './metrics.js'
export { hashSecret, verifySecret, verifySecretAsync } from './secrets.js'
export { Fleet, parseFleet, loadFleet, validateFleetData } from './fleet.js'
export type {
  FleetData, Customer, Site, Planner, Technician, EquipmentType, MetricProfile, Asset, Device, FleetListener,
} from './fleet.js'
export { fleetSchema, deviceSchema } from './fleet-schema.js'
export { fleetProblems } from './fleet-index.js'
export type { FleetProblem } from './fleet-index.js'
export { FLEET_KINDS } from './fleet-diff.js'
export type { FleetKind, KindChange, FleetUpdate, DeviceRevocation, RevocationReason } from './fleet-diff.js'
export { savedFleetFile, loadServiceFleet, saveFleetFile } from './fleet-file.js'
export { TOPIC_ROOT, deviceTopic, parseDeviceTopic } from './topics.js'
export type { DeviceTopicKind } from './topics.js'
export { systemClock } from './clock.js'
export type { Clock } from './clock.js'
export { toLocal, fromLocal, zoneOffsetMs, addDays } from './time-zone.js'
export type { LocalDateTime } from './time-zone.js'
