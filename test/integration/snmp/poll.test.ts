/**
 * @module SNMP polling against a real snmpd: v2c and v3 (authPriv SHA/AES and SHA-256/AES) polls
 * agree with Net-SNMP's own snmpwalk for the same numeric OIDs, the exposition carries
 * snmp_exporter names and labels, rates come out of two polls, and a device that stops answering
 * changes state once.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Registry } from 'prom-client'
import { OIDS, resolveProfiles } from '../../../collector/src/sources/snmp_poll/profiles.js'
import { SnmpPoller } from '../../../collector/src/sources/snmp_poll/poller.js'
import {
  pollDevice,
  type DevicePoll,
  type SnmpDevice,
} from '../../../collector/src/sources/snmp_poll/walker.js'
import { startSnmpd, v2cArgs, v3Args, type SnmpdHandle } from '../../harness/index.js'

/** `snmpwalk -On` output -> index (after `column.`) -> raw value text. */
function parseWalk(output: string, column: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of output.split('\n')) {
    const m = /^\.?([\d.]+) = [\w-]+: ?(.*)$/.exec(line.trim())
    if (!m?.[1] || m[2] === undefined || !m[1].startsWith(`${column}.`)) continue
    out.set(m[1].slice(column.length + 1), m[2].replace(/^"(.*)"$/, '$1'))
  }
  return out
}

function series(
  poll: DevicePoll,
  metric: string,
): Map<string, { value: number | bigint; labels: Record<string, string> }> {
  return new Map(
    poll.samples
      .filter((s) => s.metric.name === metric)
      .map((s) => [s.index, { value: s.value, labels: s.labels }]),
  )
}

const PROFILES = ['if_mib', 'host_resources', 'ucd', 'system']

describe('SNMP poller against snmpd', () => {
  let agent: SnmpdHandle
  before(async () => {
    agent = await startSnmpd()
  })
  after(() => agent?.stop())

  const devices = (): Record<'v2c' | 'v3sha' | 'v3sha256', { device: SnmpDevice; args: string[] }> => ({
    v2c: {
      device: {
        name: 'v2c',
        address: agent.host,
        port: agent.port,
        version: '2c',
        community: 'public',
        profiles: PROFILES,
      },
      args: v2cArgs(agent.setup),
    },
    v3sha: {
      device: {
        name: 'v3sha',
        address: agent.host,
        port: agent.port,
        version: '3',
        v3: {
          username: 'privuser',
          level: 'authPriv',
          authProtocol: 'sha',
          authKey: 'authpass123',
          privProtocol: 'aes',
          privKey: 'privpass123',
        },
        profiles: PROFILES,
      },
      args: v3Args(agent.setup, agent.users.privuser),
    },
    v3sha256: {
      device: {
        name: 'v3sha256',
        address: agent.host,
        port: agent.port,
        version: '3',
        v3: {
          username: 'priv256',
          level: 'authPriv',
          authProtocol: 'sha256',
          authKey: 'authpass256',
          privProtocol: 'aes',
          privKey: 'privpass256',
        },
        profiles: PROFILES,
      },
      args: v3Args(agent.setup, agent.users.priv256),
    },
  })

  for (const name of ['v2c', 'v3sha', 'v3sha256'] as const) {
    test(`${name}: ifDescr, ifName, ifOperStatus equal snmpwalk; ifHCInOctets between two snmpwalks`, async () => {
      const { device, args } = devices()[name]
      const walk = async (oid: string): Promise<Map<string, string>> =>
        parseWalk(await agent.tool('snmpwalk', [...args, oid]), oid)
      const hcBefore = await walk(OIDS.ifHCInOctets)
      const poll = await pollDevice(device, resolveProfiles(PROFILES), { timeoutMs: 2000, retries: 1 })
      const hcAfter = await walk(OIDS.ifHCInOctets)
      const descr = await walk(OIDS.ifDescr)
      const ifName = await walk(OIDS.ifName)
      const oper = await walk(OIDS.ifOperStatus)

      assert.ok(descr.size >= 1, 'snmpd lists interfaces')
      const hc = series(poll, 'ifHCInOctets')
      assert.deepEqual([...hc.keys()].sort(), [...hcBefore.keys()].sort())
      for (const [index, { value, labels }] of hc) {
        assert.equal(typeof value, 'bigint')
        const lo = BigInt(hcBefore.get(index) ?? '-1')
        const hi = BigInt(hcAfter.get(index) ?? '-1')
        assert.ok(
          lo <= (value as bigint) && (value as bigint) <= hi,
          `ifHCInOctets.${index}: ${lo} <= ${value} <= ${hi}`,
        )
        assert.deepEqual(labels, { ifIndex: index, ifName: ifName.get(index), ifDescr: descr.get(index) })
      }
      const operPolled = series(poll, 'ifOperStatus')
      assert.deepEqual(
        new Map([...operPolled].map(([i, s]) => [i, String(s.value)])),
        new Map([...oper].map(([i, v]) => [i, /(\d+)\)?$/.exec(v)?.[1] ?? v])),
      )
      // Scalars from HOST-RESOURCES/UCD and sysUpTime.
      assert.ok((poll.uptimeTicks ?? 0) > 0)
      const memTotal = poll.samples.find((s) => s.metric.name === 'memTotalReal')
      assert.ok(memTotal && Number(memTotal.value) > 0)
      assert.ok(poll.samples.some((s) => s.metric.name === 'hrStorageSize' && s.labels.hrStorageDescr))
      assert.equal(poll.samples.filter((s) => s.metric.name === 'laLoad').length, 3)
    })
  }

  test('poller: exposition with snmp_exporter names for lo/eth, rates on the second poll, self-metrics', async () => {
    const registry = new Registry()
    const d = devices()
    const poller = new SnmpPoller({
      devices: [d.v2c.device, d.v3sha.device],
      registry,
      concurrency: 2,
      timeoutMs: 2000,
    })
    await poller.pollOnce()
    await new Promise((r) => setTimeout(r, 1100))
    const statuses = await poller.pollOnce()
    assert.deepEqual(
      statuses.map((s) => [s.device, s.state]),
      [
        ['v2c', 'up'],
        ['v3sha', 'up'],
      ],
    )
    const text = poller.exposition()
    const descr = parseWalk(
      await agent.tool('snmpwalk', [...v2cArgs(agent.setup), OIDS.ifDescr]),
      OIDS.ifDescr,
    )
    for (const device of ['v2c', 'v3sha']) {
      for (const [index, name] of descr) {
        if (!/^(lo|eth)/.test(name)) continue
        assert.match(
          text,
          new RegExp(
            `^ifHCInOctets\\{device="${device}",ifIndex="${index}",ifName="${name}",ifDescr="${name}"\\} \\d+$`,
            'm',
          ),
        )
      }
    }
    assert.match(text, /^# TYPE ifHCInOctets counter$/m)
    assert.match(text, /^memTotalReal\{device="v2c"\} \d+$/m)
    const rates = poller.deviceStatus('v2c')?.rates.filter((r) => r.metric === 'ifHCInOctets') ?? []
    assert.ok(rates.length > 0)
    for (const r of rates) {
      assert.equal(r.result.kind, 'rate')
      if (r.result.kind === 'rate') assert.ok(r.result.perSecond >= 0)
    }
    const self = await registry.metrics()
    assert.match(self, /^sentinel_snmp_poll_duration_seconds_count\{device="v3sha"\} 2$/m)
    assert.match(self, /^sentinel_snmp_device_up\{device="v2c"\} 1$/m)
  })

  test('snmpd stopped: one up->down state change over several polls, then up again after restart', async () => {
    const logs: string[] = []
    const registry = new Registry()
    const poller = new SnmpPoller({
      devices: [devices().v2c.device],
      registry,
      timeoutMs: 200,
      retries: 0,
      logger: { info: (_o, msg) => logs.push(`info ${msg}`), warn: (_o, msg) => logs.push(`warn ${msg}`) },
    })
    await poller.pollOnce()
    await agent.stop()
    for (let i = 0; i < 3; i++) await poller.pollOnce()
    assert.equal(poller.deviceStatus('v2c')?.state, 'down')
    assert.doesNotMatch(poller.exposition(), /ifHCInOctets/)
    await agent.service.restart()
    await poller.pollOnce()
    assert.deepEqual(logs, ['warn SNMP device v2c is not answering', 'info SNMP device v2c answers again'])
    // A stopped agent on loopback reads as timeouts; count every reason to stay independent of that.
    const errors = [
      ...(await registry.metrics()).matchAll(
        /^sentinel_snmp_poll_errors_total\{device="v2c",reason="\w+"\} (\d+)$/gm,
      ),
    ].reduce((sum, m) => sum + Number(m[1]), 0)
    assert.equal(errors, 3)
  })
})
