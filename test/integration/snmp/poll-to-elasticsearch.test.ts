/**
 * @module Polled SNMP values all the way into Elasticsearch: the collector polls a real snmpd
 * and its sink writes the metric documents to `metrics-sentinel.snmp-<ns>` (a metrics data
 * stream), where interface counters are numbers Kibana and Grafana can chart per host and interface.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setupElastic } from '@sentinel/elastic-ingest'
import {
  deferInReverse,
  esRequest,
  sharedElasticsearch,
  startCollector,
  startSnmpd,
  waitFor,
} from '../../harness/index.js'

const INDEX = 'metrics-sentinel.snmp-polltest'

test('interface counters of a polled device are numeric fields in metrics-sentinel.snmp-*', async (t) => {
  const defer = deferInReverse(t)
  const { url } = await sharedElasticsearch()
  await setupElastic({ url })
  const agent = await startSnmpd()
  defer(() => agent.stop())
  const collector = await startCollector({
    sources: { syslog_udp: { type: 'syslog', protocol: 'udp' } },
    extra: {
      snmp: {
        interval_secs: 1,
        credentials: { lab: { version: '2c', community: agent.community } },
        devices: [
          {
            name: 'lab-router',
            address: '127.0.0.1',
            port: agent.port,
            credentials: 'lab',
            profiles: ['if_mib'],
          },
        ],
      },
      sinks: {
        elasticsearch: {
          endpoints: [url],
          namespace: 'polltest',
          batch: { max_events: 100, timeout_secs: 0.2 },
        },
      },
    },
  })
  defer(() => collector.stop())

  const query = {
    query: {
      bool: {
        filter: [
          { term: { 'host.name': 'lab-router' } },
          { term: { 'observer.ingress.interface.name': 'lo' } },
          { exists: { field: 'sentinel.snmp.metrics.ifHCInOctets' } },
        ],
      },
    },
  }
  const source = await waitFor(
    async () => {
      await esRequest(url, 'POST', `/${INDEX}/_refresh`)
      const { status, body } = await esRequest<{
        hits?: { hits?: Array<{ _source: Record<string, unknown> }> }
      }>(url, 'POST', `/${INDEX}/_search`, query)
      return status === 200 && body.hits?.hits?.[0]?._source
    },
    { timeoutMs: 30_000, description: `lab-router's lo interface in ${INDEX}` },
  )
  const doc = source as {
    event: { kind: string; dataset: string }
    data_stream: { type: string; dataset: string; namespace: string }
    sentinel: { snmp: { metrics: { ifHCInOctets: number; ifOperStatus: number } } }
  }
  assert.equal(doc.event.kind, 'metric')
  assert.deepEqual(doc.data_stream, { type: 'metrics', dataset: 'sentinel.snmp', namespace: 'polltest' })
  assert.equal(typeof doc.sentinel.snmp.metrics.ifHCInOctets, 'number')
  assert.equal(doc.sentinel.snmp.metrics.ifOperStatus, 1)
  // The counter is mapped as a number: a range query and a max aggregation work on it.
  const { body } = await esRequest<{ aggregations?: { max_in?: { value?: number } } }>(
    url,
    'POST',
    `/${INDEX}/_search`,
    {
      size: 0,
      query: { range: { 'sentinel.snmp.metrics.ifHCInOctets': { gte: 0 } } },
      aggs: { max_in: { max: { field: 'sentinel.snmp.metrics.ifHCInOctets' } } },
    },
  )
  assert.ok((body.aggregations?.max_in?.value ?? -1) >= 0)
})
