import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fetchPlan, isScalar, OIDS, PROFILES, resolveProfiles } from './profiles.js'

const OID = /^1(\.\d+)+$/

test('every profile metric has a numeric OID, a snmp_exporter-style name and consistent labels', () => {
  const names = new Set<string>()
  for (const profile of Object.values(PROFILES)) {
    for (const m of profile.metrics) {
      assert.match(m.oid, OID, m.name)
      assert.match(m.name, /^[a-z][A-Za-z0-9]*$/, m.name)
      assert.ok(!names.has(m.name), `duplicate metric ${m.name}`)
      names.add(m.name)
      assert.ok(m.type === 'counter' || m.type === 'gauge')
      assert.ok(m.help.length > 0)
      if (isScalar(m)) assert.ok(m.oid.endsWith('.0'), `${m.name}: scalar OID ends in .0`)
      else assert.ok(!m.oid.endsWith('.0'), `${m.name}: column OID has no instance`)
      for (const l of m.lookups ?? []) {
        assert.match(l.oid, OID)
        assert.ok(!m.indexes.includes(l.labelname))
      }
    }
  }
})

test('the OIDs are the RFC / UCD ones', () => {
  assert.equal(OIDS.ifDescr, '1.3.6.1.2.1.2.2.1.2')
  assert.equal(OIDS.ifAdminStatus, '1.3.6.1.2.1.2.2.1.7')
  assert.equal(OIDS.ifOperStatus, '1.3.6.1.2.1.2.2.1.8')
  assert.equal(OIDS.ifInDiscards, '1.3.6.1.2.1.2.2.1.13')
  assert.equal(OIDS.ifInErrors, '1.3.6.1.2.1.2.2.1.14')
  assert.equal(OIDS.ifOutDiscards, '1.3.6.1.2.1.2.2.1.19')
  assert.equal(OIDS.ifOutErrors, '1.3.6.1.2.1.2.2.1.20')
  assert.equal(OIDS.ifName, '1.3.6.1.2.1.31.1.1.1.1')
  assert.equal(OIDS.ifHCInOctets, '1.3.6.1.2.1.31.1.1.1.6')
  assert.equal(OIDS.ifHCOutOctets, '1.3.6.1.2.1.31.1.1.1.10')
  assert.equal(OIDS.hrProcessorLoad, '1.3.6.1.2.1.25.3.3.1.2')
  assert.equal(OIDS.hrStorageDescr, '1.3.6.1.2.1.25.2.3.1.3')
  assert.equal(OIDS.hrStorageUsed, '1.3.6.1.2.1.25.2.3.1.6')
  assert.equal(OIDS.laLoad, '1.3.6.1.4.1.2021.10.1.3')
  assert.equal(OIDS.memTotalReal, '1.3.6.1.4.1.2021.4.5.0')
  assert.equal(OIDS.memAvailReal, '1.3.6.1.4.1.2021.4.6.0')
  assert.equal(OIDS.sysUpTime, '1.3.6.1.2.1.1.3.0')
})

test('snmp_exporter names and labels for the dashboard metrics', () => {
  const [ifMib, hr] = resolveProfiles(['if_mib', 'host_resources'])
  const hcIn = ifMib?.metrics.find((m) => m.name === 'ifHCInOctets')
  assert.equal(hcIn?.type, 'counter')
  assert.deepEqual(hcIn?.indexes, ['ifIndex'])
  assert.deepEqual(
    hcIn?.lookups?.map((l) => l.labelname),
    ['ifName', 'ifDescr'],
  )
  const load = hr?.metrics.find((m) => m.name === 'hrProcessorLoad')
  assert.deepEqual(load?.indexes, ['hrDeviceIndex'])
  assert.equal(load?.type, 'gauge')
  assert.deepEqual(
    hr?.metrics.find((m) => m.name === 'hrStorageUsed')?.lookups?.map((l) => l.labelname),
    ['hrStorageDescr'],
  )
})

test('fetchPlan walks columns and lookups once, GETs scalars and always sysUpTime', () => {
  const plan = fetchPlan(resolveProfiles(['if_mib', 'ucd']))
  assert.ok(plan.walk.includes(OIDS.ifHCInOctets))
  assert.ok(plan.walk.includes(OIDS.ifName))
  assert.equal(plan.walk.filter((o) => o === OIDS.ifDescr).length, 1)
  assert.ok(plan.get.includes(OIDS.sysUpTime))
  assert.ok(plan.get.includes(OIDS.memTotalReal))
  assert.ok(!plan.walk.includes(OIDS.memTotalReal))
})

test('an unknown profile is rejected', () => {
  assert.throws(() => resolveProfiles(['nope']), /unknown SNMP profile "nope"/)
})
