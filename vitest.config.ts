import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', '{core,gateway,ingest,models,dispatch,simulator,app}/**/*.test.ts'],
    // Integration suites start real servers (influxd, SMTP, MQTT); give them room on a shared 2-core box.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
