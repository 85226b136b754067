import type { FleetEvaluation } from './fleet-evaluation.js'

/** The fleet suite's results table. */
export function formatFleetTable(result: FleetEvaluation): string {
  const lead = result.leadTimeHours
  const hours = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(1)} h`)
  const rows: Array<[string, string]> = [
    ['injected failures', String(result.failures)],
    [`work order ≥ ${result.requiredLeadHours} h ahead (recall)`,
      `${result.caught} (${percent(result.recall)})`],
    ['work order, but later than that', String(result.late)],
    ['no work order before the failure', String(result.missed)],
    ['lead time median / p10 / p90 / min', `${hours(lead?.median)} / ${hours(lead?.p10)} / ${hours(lead?.p90)} / `
    + hours(lead?.min)],
    ['work orders opened', String(result.workOrders)],
    ['false work orders', String(result.falseWorkOrders)],
    ['  of them during a sensor fault', String(result.workOrdersFromSensorFaults)],
    ['asset-months watched', result.assetMonths.toFixed(1)],
    ['false work orders per 100 asset-months', (100 * result.falseWorkOrdersPerAssetMonth).toFixed(2)],
    ['sensor faults found / injected', `${result.sensorFaults.found} / ${result.sensorFaults.injected}`],
    ...Object.entries(result.sensorFaults.byKind).sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, tally]): [string, string] => [`  ${kind}`, `${tally.found} / ${tally.injected}`]),
    ['sensor cases opened (false)', `${result.sensorCases} (${result.falseSensorCases})`],
    ['signals by kind', Object.entries(result.signals).map(([kind, count]) => `${kind} ${count}`).join(', ')],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')
}

/** The JSON summary's figures (rounded), without the per-failure lists. */
export function fleetSummary(result: FleetEvaluation): Record<string, unknown> {
  const round = (value: number, digits = 3): number => Number(value.toFixed(digits))
  const lead = result.leadTimeHours
  return {
    failures: result.failures,
    caught: result.caught,
    late: result.late,
    missed: result.missed,
    recall: round(result.recall, 4),
    requiredLeadHours: result.requiredLeadHours,
    leadTimeHours: lead === null
      ? null
      : {
          median: round(lead.median, 1), p10: round(lead.p10, 1), p90: round(lead.p90, 1), min: round(lead.min, 1),
        },
    workOrders: result.workOrders,
    falseWorkOrders: result.falseWorkOrders,
    workOrdersFromSensorFaults: result.workOrdersFromSensorFaults,
    assetMonths: round(result.assetMonths, 2),
    falseWorkOrdersPer100AssetMonths: round(100 * result.falseWorkOrdersPerAssetMonth, 2),
    sensorFaults: result.sensorFaults,
    sensorCases: result.sensorCases,
    falseSensorCases: result.falseSensorCases,
    signals: result.signals,
    readings: result.readings,
  }
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`
}
