import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MibTable, shippedMibTable } from '../enrich/mib/table.js'
import { encodeNotification } from '../sources/snmp_trap/encode.js'
import {
  UNKNOWN_ENTERPRISE_PDU,
  V1_LINK_DOWN_PDU,
  V2C_LINK_UP_PDU,
} from '../sources/snmp_trap/test-support/notifications.js'
import { EcsFlat } from '@elastic/ecs'
import { parseRecord } from './index.js'
import { KNOWN_TRAPS } from './snmp-trap-names.js'
import { RECEIVED_AT, testRecord } from './test-record.js'

/** Records shaped as the trap source builds them from what net-snmp decoded of the CLI senders. */
const V1_LINK_DOWN = JSON.stringify(encodeNotification(V1_LINK_DOWN_PDU))
const V2C_LINK_UP = JSON.stringify(encodeNotification(V2C_LINK_UP_PDU))
const UNKNOWN_ENTERPRISE = JSON.stringify(encodeNotification(UNKNOWN_ENTERPRISE_PDU))

const trap = (json: string) => testRecord(json, 'snmp_trap')
const ingress = (event: { observer?: unknown }) =>
  ((event.observer as { ingress?: { interface?: { id?: string; name?: string } } } | undefined)?.ingress
    ?.interface ?? {}) as { id?: string; name?: string }

test('a v1 linkDown: generic 2 is linkDown, host from the agent-addr, interface from the varbind', () => {
  const event = parseRecord(trap(V1_LINK_DOWN))
  assert.equal(event.event?.kind, 'event')
  assert.equal(event.event?.dataset, 'sentinel.snmp_trap')
  assert.equal(event.event?.action, 'linkDown')
  assert.deepEqual(event.event?.category, ['network'])
  assert.deepEqual(event.event?.type, ['info'])
  assert.equal(event['@timestamp'], new Date(RECEIVED_AT).toISOString())
  assert.equal(event.host?.name, '10.1.2.3')
  assert.equal(ingress(event).id, '3')
  const snmp = event.sentinel.snmp as Record<string, unknown>
  assert.equal(snmp.version, 'v1')
  assert.equal(snmp.trap_oid, '1.3.6.1.6.3.1.1.5.3')
  assert.equal(snmp.trap_name, 'linkDown')
  assert.equal(snmp.generic_trap, 2)
  assert.deepEqual(snmp.varbinds, [
    { oid: '1.3.6.1.2.1.2.2.1.1.3', name: 'ifIndex.3', type: 'Integer', value: 3 },
  ])
  assert.equal(event.message, 'linkDown ifIndex.3=3')
  assert.equal(event.error, undefined)
})

test('a v2c linkUp: IF-MIB varbinds translated, enumerations named, values JSON-safe', () => {
  const event = parseRecord(trap(V2C_LINK_UP))
  assert.equal(event.event?.action, 'linkUp')
  assert.equal(event.host?.name, '192.0.2.10') // the sender: v2c has no agent-addr
  assert.equal(ingress(event).id, '3')
  assert.equal(ingress(event).name, 'eth0')
  const snmp = event.sentinel.snmp as { varbinds: Record<string, unknown>[]; values: Record<string, unknown> }
  assert.equal(snmp.values['ifAdminStatus.3'], 'up')
  assert.equal(snmp.values['ifOperStatus.3'], 'up')
  assert.equal(snmp.values['ifDescr.3'], 'eth0')
  assert.equal(snmp.values['ifPhysAddress.3'], '001b213a4f10')
  assert.equal(snmp.values['ifInOctets.3'], '12345678901234567890')
  assert.deepEqual(snmp.varbinds[2], {
    oid: '1.3.6.1.2.1.2.2.1.8.3',
    name: 'ifOperStatus.3',
    type: 'Integer',
    value: 1,
    label: 'up',
  })
  assert.match(
    event.message ?? '',
    /^linkUp ifIndex\.3=3 ifAdminStatus\.3=up ifOperStatus\.3=up ifDescr\.3=eth0 /,
  )
})

test('an unknown enterprise trap keeps numeric OIDs and counts them', () => {
  const mib = MibTable.load()
  const unknown: string[] = []
  mib.onUnknown = (oid) => unknown.push(oid)
  const event = parseRecord(trap(UNKNOWN_ENTERPRISE), { mib })
  assert.equal(event.event?.action, '1.3.6.1.4.1.99999.0.7')
  assert.deepEqual(event.event?.category, ['network'])
  const snmp = event.sentinel.snmp as { version: string; user: string; varbinds: { name: string }[] }
  assert.equal(snmp.version, 'v3')
  assert.equal(snmp.user, 'trapuser')
  assert.equal(snmp.varbinds[0]?.name, '1.3.6.1.4.1.99999.1.2.0')
  assert.deepEqual(unknown, ['1.3.6.1.4.1.99999.0.7', '1.3.6.1.4.1.99999.1.2.0'])
  assert.equal(event.message, '1.3.6.1.4.1.99999.0.7 1.3.6.1.4.1.99999.1.2.0="fan 2 failed"')
})

test('a malformed record becomes an error event, never a throw', () => {
  for (const data of ['{not json', '[]', '{"version":"v2c"}', '']) {
    const event = parseRecord(trap(data))
    assert.equal(event.event?.kind, 'pipeline_error')
    assert.equal(event.event?.dataset, 'sentinel.snmp_trap')
    assert.equal(event.error?.code, 'SNT_PARSE_JSON')
    assert.equal(event.event?.original, data)
  }
})

test('the MIB table: longest prefix, enumerations, textual conventions, well-known traps', () => {
  const mib = shippedMibTable()
  assert.equal(mib.translate('1.3.6.1.2.1.2.2.1.8.3').name, 'ifOperStatus.3')
  assert.equal(mib.translate('1.3.6.1.2.1.1.5.0').name, 'sysName.0')
  assert.equal(mib.translate('1.3.6.1.6.3.1.1.5.1').name, 'coldStart')
  assert.equal(mib.enumLabel(mib.translate('1.3.6.1.2.1.2.2.1.8.3'), 2), 'down')
  assert.equal(mib.enumLabel(mib.translate('1.3.6.1.2.1.2.2.1.3.1'), 6), 'ethernetCsmacd') // IANAifType TC
  assert.equal(mib.enumLabel(mib.translate('1.3.6.1.2.1.2.2.1.8.3'), 99), undefined)
  assert.equal(mib.translate('1.3.6.1.4.1.99999.1').name, '1.3.6.1.4.1.99999.1')
  assert.equal(mib.oidOf('linkUp'), '1.3.6.1.6.3.1.1.5.4')
})

test('every known trap is categorised with values ECS allows for that category', () => {
  const allowed = new Map(
    (EcsFlat['event.category'].allowed_values ?? []).map((v) => [v.name, v.expected_event_types ?? []]),
  )
  for (const [oid, known] of Object.entries(KNOWN_TRAPS)) {
    assert.match(oid, /^1\.3\.6\.1(\.\d+)+$/, known.name)
    for (const category of known.category) {
      const types = allowed.get(category)
      assert.ok(types, `${known.name}: ${category} is not an ECS event.category`)
      for (const type of known.type) assert.ok(types.includes(type), `${known.name}: ${category}/${type}`)
    }
  }
})

test('a vendor trap without its MIB is still named and categorised (Cisco configuration change)', () => {
  const event = parseRecord(
    trap(
      JSON.stringify(
        encodeNotification({
          type: 167,
          community: 'public',
          varbinds: [
            { oid: '1.3.6.1.2.1.1.3.0', type: 67, value: 1000 },
            { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.4.1.9.9.43.2.0.1' },
            { oid: '1.3.6.1.4.1.9.9.43.1.1.6.1.3.5', type: 2, value: 3 },
          ],
        }),
      ),
    ),
    { mib: shippedMibTable() },
  )
  assert.equal(event.event?.action, 'ciscoConfigManEvent')
  assert.deepEqual(event.event?.category, ['configuration'])
  assert.deepEqual(event.event?.type, ['change'])
  assert.equal(
    event.sentinel.snmp && (event.sentinel.snmp as { trap_oid?: string }).trap_oid,
    '1.3.6.1.4.1.9.9.43.2.0.1',
  )
})

test('a trap from an inventory device carries the device name as host.name, so it joins its syslog and polls', () => {
  const hosts = new Map([['192.0.2.10', 'core-sw-01']])
  // v2c: the sender (192.0.2.10, see testRecord) is the device.
  const fromDevice = parseRecord(trap(V2C_LINK_UP), { mib: shippedMibTable(), hosts })
  assert.equal(fromDevice.host?.name, 'core-sw-01')
  // v1: the agent-addr names the device first.
  const v1 = parseRecord(trap(V1_LINK_DOWN), {
    mib: shippedMibTable(),
    hosts: new Map([['10.1.2.3', 'edge-rtr-02']]),
  })
  assert.equal(v1.host?.name, 'edge-rtr-02')
  // Behind NAT the agent-addr is private and unknown; the sender's address still finds the device.
  const natted = parseRecord(trap(V1_LINK_DOWN), { mib: shippedMibTable(), hosts })
  assert.equal(natted.host?.name, 'core-sw-01')
  // Neither known: the agent-addr stays the name.
  const unknown = parseRecord(trap(V1_LINK_DOWN), { mib: shippedMibTable(), hosts: new Map() })
  assert.equal(unknown.host?.name, '10.1.2.3')
})
