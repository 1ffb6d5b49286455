import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { parse } from 'yaml'
import { IF_MIB } from '../../collector/src/sources/snmp_poll/profiles.js'
import { metricSum, parsePrometheusText } from './prometheus-text.js'
import { snmpExporterConfig, startSnmpExporter, type SnmpExporterHandle } from './snmp-exporter.js'
import { startSnmpd, v2cArgs, type SnmpdHandle } from './snmpd.js'

let agent: SnmpdHandle
let exporter: SnmpExporterHandle

before(async () => {
  agent = await startSnmpd()
  exporter = await startSnmpExporter({ v3User: agent.users.privuser })
})

after(async () => {
  await exporter?.stop()
  await agent?.stop()
})

test('the generated if_mib module walks the OIDs of Sentinel if_mib profile', () => {
  const config = parse(snmpExporterConfig()) as Record<
    string,
    { walk: string[]; metrics: { name: string }[] }
  >
  assert.deepEqual(Object.keys(config), ['if_mib'])
  const module = config.if_mib as { walk: string[]; metrics: { name: string }[] }
  assert.deepEqual(
    module.metrics.map((m) => m.name),
    IF_MIB.metrics.map((m) => m.name),
  )
  for (const m of IF_MIB.metrics) assert.ok(module.walk.includes(m.oid), m.oid)
  assert.ok(module.walk.includes('1.3.6.1.2.1.31.1.1.1.1'), 'ifName lookup walked')
  assert.ok(module.walk.includes('1.3.6.1.2.1.2.2.1.2'), 'ifDescr lookup walked')
})

test('scrapes the agent over v2c and v3 with ifName/ifDescr labels, one sample per interface', async () => {
  const walk = await agent.tool('snmpwalk', [...v2cArgs(agent.setup), '1.3.6.1.2.1.2.2.1.2'])
  const interfaces = walk.trim().split('\n').length
  for (const module of ['if_mib', 'if_mib_v3']) {
    const samples = parsePrometheusText(await exporter.scrape(`127.0.0.1:${agent.port}`, module))
    const oper = samples.filter((s) => s.name === 'ifOperStatus')
    assert.equal(oper.length, interfaces, module)
    assert.ok(oper.some((s) => s.labels.ifDescr === 'lo' && s.labels.ifName === 'lo' && s.value === 1))
    assert.ok(metricSum(samples, 'ifHCInOctets') > 0, module)
  }
})
