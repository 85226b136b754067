import { METRIC_NAME_MAX_CHARS } from '../../gateway/index.js'

/** Names that line protocol must escape, or that mean something in MQTT, SQL or shells. */
export const HARD_METRIC_NAMES = [
  'bearing temp',
  'temp,inner',
  'a=b',
  'say "hi"',
  'it\'s',
  'count#1',
  'x+y',
  'pump/inlet',
  'Temperatur °C',
  'température',
  '温度',
  'мотор ток',
  '🌡️ sensor',
  'a'.repeat(METRIC_NAME_MAX_CHARS),
  '1st',
  '__proto__',
  'value',
  'telemetry,asset_id=pump-1 value=1',
]
