import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseConfig } from '../../config/load.js'

const base = `sources: {}\nsnmp:\n  credentials:\n    lab: { version: 2c, community: '\${env:COMM}' }\n    v3: { version: 3, username: u, level: authPriv, auth_protocol: sha, auth_key: abcdefgh, priv_protocol: aes, priv_key: abcdefgh }\n`

test('snmp config: defaults, secrets via env, numeric version 3 accepted', () => {
  const c = parseConfig(
    `${base}  devices:\n    - { name: r1, address: 192.0.2.1, credentials: lab }\n`,
    't',
    { COMM: 's3cret' },
  )
  assert.equal(c.snmp.interval_secs, 60)
  assert.deepEqual(c.snmp.devices[0]?.profiles, ['if_mib', 'host_resources', 'ucd', 'system'])
  assert.equal(c.snmp.devices[0]?.port, 161)
  assert.equal(c.snmp.credentials.lab?.version === '2c' && c.snmp.credentials.lab.community, 's3cret')
  assert.equal(c.snmp.credentials.v3?.version, '3')
})

test('snmp config: unknown credentials, unknown profile and duplicate names name their path', () => {
  assert.throws(
    () =>
      parseConfig(
        `${base}  devices:\n    - { name: r1, address: a, credentials: nope, profiles: [if_mib, bogus] }\n    - { name: r1, address: b, credentials: lab }\n`,
        't',
        { COMM: 'x' },
      ),
    (e: Error) =>
      /snmp\.devices\.0\.credentials: unknown credentials "nope"/.test(e.message) &&
      /snmp\.devices\.0\.profiles\.1: unknown profile "bogus"/.test(e.message) &&
      /snmp\.devices\.1\.name: duplicate device "r1"/.test(e.message),
  )
})

test('snmp config: custom profiles are usable by devices; v3 without keys is refused', () => {
  const c = parseConfig(
    `${base}  custom_profiles:\n    temp: [{ name: tempC, oid: 1.3.6.1.4.1.9.9.13.1.3.1.3, indexes: [idx] }]\n  devices:\n    - { name: r1, address: a, credentials: lab, profiles: [temp] }\n`,
    't',
    { COMM: 'x' },
  )
  assert.equal(c.snmp.custom_profiles.temp?.[0]?.type, 'gauge')
  assert.throws(
    () => parseConfig(`sources: {}\nsnmp:\n  credentials:\n    v3: { version: '3', username: u }\n`, 't'),
    /snmp\.credentials\.v3\.auth_key: required/,
  )
})
