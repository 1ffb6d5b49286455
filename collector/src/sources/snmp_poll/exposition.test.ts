import assert from 'node:assert/strict'
import { test } from 'node:test'
import { escapeLabelValue, renderExposition } from './exposition.js'
import { OIDS, resolveProfiles } from './profiles.js'
import { buildSamples, toBigInt } from './walker.js'

// net-snmp ObjectType numbers: Integer 2, OctetString 4, Counter 65, Gauge 66, TimeTicks 67, Counter64 70.
const vb = (oid: string, type: number, value: unknown) => ({ oid, type, value })

const profiles = resolveProfiles(['if_mib', 'host_resources', 'ucd', 'system'])
const columns = new Map([
  [
    OIDS.ifDescr,
    [vb(`${OIDS.ifDescr}.1`, 4, Buffer.from('lo')), vb(`${OIDS.ifDescr}.2`, 4, Buffer.from('eth "0"'))],
  ],
  [
    OIDS.ifName,
    [vb(`${OIDS.ifName}.1`, 4, Buffer.from('lo')), vb(`${OIDS.ifName}.2`, 4, Buffer.from('eth0'))],
  ],
  [OIDS.ifOperStatus, [vb(`${OIDS.ifOperStatus}.1`, 2, 1), vb(`${OIDS.ifOperStatus}.2`, 2, 2)]],
  [OIDS.ifInErrors, [vb(`${OIDS.ifInErrors}.2`, 65, 7)]],
  [
    OIDS.ifHCInOctets,
    [
      vb(`${OIDS.ifHCInOctets}.1`, 70, Buffer.from([0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01])),
      vb(`${OIDS.ifHCInOctets}.2`, 70, Buffer.from([0x30, 0x39])),
    ],
  ],
  [OIDS.hrProcessorLoad, [vb(`${OIDS.hrProcessorLoad}.196608`, 2, 3)]],
  [OIDS.hrStorageDescr, [vb(`${OIDS.hrStorageDescr}.1`, 4, Buffer.from('Physical memory'))]],
  [OIDS.hrStorageUsed, [vb(`${OIDS.hrStorageUsed}.1`, 2, 1234)]],
  [OIDS.laNames, [vb(`${OIDS.laNames}.1`, 4, Buffer.from('Load-1'))]],
  [OIDS.laLoad, [vb(`${OIDS.laLoad}.1`, 4, Buffer.from('0.15'))]],
])
const scalars = [vb(OIDS.sysUpTime, 67, 4242), vb(OIDS.memTotalReal, 2, 2048)]

test('toBigInt decodes Counter64 buffers', () => {
  assert.equal(toBigInt(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), 2n ** 64n - 1n)
  assert.equal(toBigInt(Buffer.alloc(0)), 0n)
  assert.equal(toBigInt(42), 42n)
  assert.equal(toBigInt('x'), undefined)
})

test('buildSamples names, labels and counter widths', () => {
  const samples = buildSamples(profiles, columns, scalars)
  const hc = samples.filter((s) => s.metric.name === 'ifHCInOctets')
  assert.deepEqual(
    hc.map((s) => [s.labels, s.value, s.counterBits]),
    [
      [{ ifIndex: '1', ifName: 'lo', ifDescr: 'lo' }, 2n ** 56n + 1n, 64],
      [{ ifIndex: '2', ifName: 'eth0', ifDescr: 'eth "0"' }, 12345n, 64],
    ],
  )
  assert.equal(samples.find((s) => s.metric.name === 'ifInErrors')?.counterBits, 32)
  assert.equal(samples.find((s) => s.metric.name === 'laLoad')?.value, 0.15)
  assert.deepEqual(samples.find((s) => s.metric.name === 'hrProcessorLoad')?.labels, {
    hrDeviceIndex: '196608',
  })
  assert.equal(samples.find((s) => s.metric.name === 'sysUpTime')?.value, 4242)
  assert.equal(
    samples.find((s) => s.metric.name === 'memAvailReal'),
    undefined,
    'absent scalar left out',
  )
})

test('exposition: snmp_exporter names with a device label, HELP/TYPE once per metric', () => {
  const samples = buildSamples(profiles, columns, scalars)
  const text = renderExposition([
    { device: 'r2', timeMs: 0, durationMs: 1, samples },
    { device: 'r1', timeMs: 0, durationMs: 1, samples },
  ])
  assert.ok(text.endsWith('\n'))
  assert.match(text, /^ifHCInOctets\{device="r1",ifIndex="2",ifName="eth0",ifDescr="eth \\"0\\""\} 12345$/m)
  assert.match(text, /^ifHCInOctets\{device="r1",ifIndex="1",ifName="lo",ifDescr="lo"\} 72057594037927937$/m)
  assert.match(text, /^hrProcessorLoad\{device="r2",hrDeviceIndex="196608"\} 3$/m)
  assert.match(
    text,
    /^hrStorageUsed\{device="r1",hrStorageIndex="1",hrStorageDescr="Physical memory"\} 1234$/m,
  )
  assert.match(text, /^laLoad\{device="r1",laIndex="1",laNames="Load-1"\} 0.15$/m)
  assert.match(text, /^memTotalReal\{device="r1"\} 2048$/m)
  assert.equal(text.match(/^# TYPE ifHCInOctets counter$/gm)?.length, 1)
  assert.equal(text.match(/^# TYPE ifOperStatus gauge$/gm)?.length, 1)
  // r1 sorts before r2.
  assert.ok(text.indexOf('ifOperStatus{device="r1"') < text.indexOf('ifOperStatus{device="r2"'))
  // Every sample line is `name{labels} value`.
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    assert.match(
      line,
      /^[a-zA-Z_:][a-zA-Z0-9_:]*\{device="[^"]*"(,[a-zA-Z_]\w*="(?:[^"\\]|\\.)*")*\} -?[\d.e+]+$/,
    )
  }
})

test('escapeLabelValue and an empty exposition', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd')
  assert.equal(renderExposition([]), '')
})
