/**
 * @module The Prometheus harness: a real Prometheus scrapes a tiny local /metrics endpoint, and an
 * alerting rule (`expr: vector(1)`) fires through to a real Alertmanager. Takes ~6 s: Prometheus
 * 2.42 hands discovered targets to the scraper and notifier only every 5 s (see prometheus.ts).
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { parse } from 'yaml'
import { startAlertmanager, type AlertmanagerHandle } from './alertmanager.js'
import { prometheusConfig, sentinelScrapeJobs, startPrometheus, type PrometheusHandle } from './prometheus.js'
import { waitFor } from './wait-for.js'

let exporter: Server
let exporterPort: number
let am: AlertmanagerHandle
let prom: PrometheusHandle

before(async () => {
  exporter = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
    res.end(
      '# HELP harness_probe_value A fixed value.\n# TYPE harness_probe_value gauge\nharness_probe_value{kind="probe"} 42\n',
    )
  })
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve))
  exporterPort = (exporter.address() as AddressInfo).port
  am = await startAlertmanager()
  prom = await startPrometheus({
    jobs: [{ job: 'probe', targets: [`127.0.0.1:${exporterPort}`] }],
    rules: {
      groups: [
        {
          name: 'harness',
          rules: [
            {
              alert: 'HarnessAlwaysFiring',
              expr: 'vector(1)',
              labels: { severity: 'info' },
              annotations: { summary: 'Always firing' },
            },
          ],
        },
      ],
    },
    alertmanagers: [am.url],
  })
})

after(async () => {
  await prom?.stop()
  await am?.stop()
  await new Promise((resolve) => exporter?.close(resolve))
})

test('the generated config scrapes the collector as jobs sentinel and sentinel_snmp', () => {
  const config = parse(prometheusConfig({ jobs: sentinelScrapeJobs('127.0.0.1:9464') }, [])) as {
    global: { scrape_interval: string; evaluation_interval: string }
    scrape_configs: { job_name: string; metrics_path: string }[]
  }
  assert.equal(config.global.scrape_interval, '1s')
  assert.equal(config.global.evaluation_interval, '1s')
  assert.deepEqual(
    config.scrape_configs.map((c) => [c.job_name, c.metrics_path]),
    [
      ['sentinel', '/metrics'],
      ['sentinel_snmp', '/metrics/snmp'],
    ],
  )
})

test('Prometheus scrapes a local /metrics endpoint', async () => {
  const samples = await waitFor(
    async () => {
      const result = await prom.query('harness_probe_value')
      return result.length > 0 ? result : undefined
    },
    { description: 'harness_probe_value scraped', timeoutMs: 20_000, intervalMs: 200 },
  )
  assert.equal(samples[0]?.value, 42)
  assert.equal(samples[0]?.metric.job, 'probe')
  assert.equal(samples[0]?.metric.kind, 'probe')
  const targets = await prom.targets()
  assert.equal(targets.find((t) => t.scrapePool === 'probe')?.health, 'up')
})

test('an alerting rule fires in Prometheus and reaches the Alertmanager', async () => {
  const groups = await prom.rules()
  assert.equal(groups[0]?.rules[0]?.name, 'HarnessAlwaysFiring')
  assert.equal(groups[0]?.rules[0]?.health, 'ok')
  await waitFor(async () => (await prom.alerts()).some((a) => a.state === 'firing'), {
    description: 'HarnessAlwaysFiring firing in Prometheus',
    timeoutMs: 10_000,
    intervalMs: 200,
  })
  const received = await waitFor(
    async () => {
      const alerts = await am.alerts({ filter: ['alertname="HarnessAlwaysFiring"'] })
      return alerts.length > 0 ? alerts : undefined
    },
    { description: 'HarnessAlwaysFiring in the Alertmanager', timeoutMs: 20_000, intervalMs: 200 },
  )
  assert.equal(received[0]?.labels.severity, 'info')
  assert.equal(received[0]?.annotations.summary, 'Always firing')
  assert.match(received[0]?.generatorURL ?? '', /^http:\/\/.*graph\?g0\.expr=vector%281%29/)
})
