import { describe, expect, it } from 'vitest'
import {
  SENSOR_FAULT_KINDS, buildFleetScenario, scenarioReadingCount, scenarioReadings, type ScenarioOptions,
} from '../../simulator/index.js'
import { DAY_MS, START, sampleFleet } from './fixtures.js'

const { fleet } = sampleFleet()
const OPTIONS: ScenarioOptions = { baseFleet: fleet, assets: 24, days: 14, seed: 3, startTime: START }

describe('buildFleetScenario', () => {
  it('builds the same scenario and the same readings from the same options', () => {
    const first = buildFleetScenario(OPTIONS)
    const second = buildFleetScenario(OPTIONS)
    expect(second.failures).toEqual(first.failures)
    expect(second.sensorFaults).toEqual(first.sensorFaults)
    const firstReadings = [...scenarioReadings(first)].slice(0, 5000)
    const secondReadings = [...scenarioReadings(second)].slice(0, 5000)
    expect(secondReadings).toEqual(firstReadings)
  })

  it('gives each asset one device, fails some of them inside the run after a quiet start', () => {
    const scenario = buildFleetScenario(OPTIONS)
    expect(scenario.fleet.data.assets).toHaveLength(24)
    expect(new Set(scenario.fleet.data.assets.map((a) => a.equipmentType))).toEqual(new Set(['pump', 'compressor', 'elevator']))
    expect(scenario.failures.length).toBeGreaterThan(0)
    for (const failure of scenario.failures) {
      expect(failure.onset).toBeGreaterThanOrEqual(START + 3 * DAY_MS)
      expect(failure.failureAt).toBeLessThanOrEqual(START + 14 * DAY_MS)
      expect(failure.failureAt - failure.onset).toBeGreaterThanOrEqual(3 * DAY_MS)
    }
  })

  it('keeps sensor faults a day clear of the same asset\'s wear', () => {
    const scenario = buildFleetScenario({ ...OPTIONS, assets: 60, sensorFaultShare: 1 })
    expect(new Set(scenario.sensorFaults.map((f) => f.kind))).toEqual(new Set(SENSOR_FAULT_KINDS))
    for (const fault of scenario.sensorFaults) {
      const wear = scenario.failures.find((f) => f.assetId === fault.assetId)
      if (wear !== undefined) expect(fault.end).toBeLessThanOrEqual(wear.onset - DAY_MS)
    }
  })
})

describe('injected sensor faults', () => {
  const scenario = buildFleetScenario({ ...OPTIONS, assets: 60, sensorFaultShare: 1, failureShare: 0 })
  const readings = [...scenarioReadings(scenario)]
  const inside = (kind: string) => scenario.sensorFaults.filter((f) => f.kind === kind).map((fault) => ({
    fault,
    values: readings.filter((r) => r.assetId === fault.assetId && r.metric === fault.metric
      && r.time >= fault.start && r.time < fault.end).map((r) => r.value),
  }))

  it('freezes a stuck sensor at one value for the whole fault', () => {
    for (const { values } of inside('stuck')) expect(new Set(values).size).toBe(1)
  })

  it('sends nothing during a dropout (a gap, not zeros)', () => {
    for (const { values } of inside('dropout')) expect(values).toEqual([])
  })

  it('reports impossible values out of range and isolated spikes of 60 % that revert', () => {
    for (const { fault, values } of inside('out_of_range')) {
      const profile = scenario.fleet.equipmentType(scenario.fleet.asset(fault.assetId)?.equipmentType ?? '')
        ?.metrics[fault.metric]
      for (const value of values) expect(value).toBeLessThan(profile?.physicalMin ?? 0)
    }
    // A spike stands out from both neighbours, which agree with each other: it reverts at once.
    const spikes = inside('spikes').flatMap(({ values }) => values.filter((value, i) => {
      const before = values[i - 1] ?? value
      const after = values[i + 1] ?? value
      const isAway = Math.abs(value / before - 1) > 0.4 && Math.abs(value / after - 1) > 0.4
      return isAway && Math.abs(after / before - 1) < 0.4
    }))
    const all = inside('spikes').flatMap(({ values }) => values)
    expect(spikes.length).toBeGreaterThan(0.02 * all.length)
    expect(spikes.length).toBeLessThan(0.1 * all.length)
  })

  it('counts at most as many readings as the scenario yields', () => {
    expect(readings.length).toBeLessThanOrEqual(scenarioReadingCount(scenario))
    expect(readings.length).toBeGreaterThan(0.95 * scenarioReadingCount(scenario))
  })
})
