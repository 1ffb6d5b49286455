import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig, parseConfig } from './load.js'
import { DEFAULT_SOURCES, type SourceConfig } from './schema.js'
import type { SyslogSourceConfig } from '../sources/syslog/config.js'

/** The source when it is a syslog one (narrows the union for assertions). */
function syslog(source: SourceConfig | undefined): SyslogSourceConfig | undefined {
  return source?.type === 'syslog' ? source : undefined
}

const exampleFile = new URL('../../config/sentinel.example.yaml', import.meta.url).pathname

function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (error) {
    const { code, message } = error as { code: string; message: string }
    assert.equal(code, 'SNT_ERR_CONFIG_INVALID')
    return message.split('\n  - ').slice(1)
  }
  assert.fail('expected the config to be rejected')
}

test('no config file gives the embedded defaults of DESIGN.md: syslog on udp and tcp 5514, traps on udp 1162, API on loopback 9464', async () => {
  const config = await loadConfig(undefined, {})
  assert.deepEqual(Object.keys(config.sources), ['syslog_udp', 'syslog_tcp', 'snmp_traps'])
  const traps = config.sources.snmp_traps
  assert.equal(traps?.type, 'snmp_trap')
  assert.equal(traps.listen, 'udp:0.0.0.0:1162')
  assert.deepEqual(traps.type === 'snmp_trap' && traps.communities, ['public'])
  assert.equal(config.sources.syslog_udp?.listen, 'udp:0.0.0.0:5514')
  assert.equal(config.sources.syslog_tcp?.listen, 'tcp:0.0.0.0:5514')
  assert.equal(config.api.listen, '127.0.0.1:9464')
  assert.equal(config.data_dir, './data')
  assert.equal(config.spool.when_full, 'block')
  // The defaults object itself is not shared with (or mutated by) a loaded config.
  assert.notEqual(config.sources.syslog_udp, DEFAULT_SOURCES.syslog_udp)
})

test('the shipped example config is valid and every key in it is honoured', async () => {
  const config = await loadConfig(exampleFile, { SENTINEL_TLS_KEY_PASSPHRASE: 'hunter2' })
  assert.equal(syslog(config.sources.firewall_cef)?.format, 'cef')
  assert.equal(syslog(config.sources.firewall_cef)?.timezone, 'Europe/Berlin')
  assert.equal(syslog(config.sources.syslog_tls)?.tls?.key_passphrase, 'hunter2')
  assert.equal(config.spool.max_bytes, 1073741824)
})

test('defaults fill in missing keys of a listener', () => {
  const config = parseConfig('sources:\n  fw:\n    type: syslog\n    listen: udp:127.0.0.1:0\n', 'inline', {})
  assert.deepEqual(config.sources.fw, {
    type: 'syslog',
    listen: 'udp:127.0.0.1:0',
    format: 'auto',
    timezone: 'UTC',
    max_length: 102400,
    framing: 'auto',
    max_connections: 1000,
  })
})

test('every schema problem is reported at once, each naming its path and what was expected', () => {
  const problems = problemsOf(() =>
    parseConfig(
      [
        'sources:',
        '  fw:',
        '    type: syslog',
        '    listen: udpx:1',
        '    format: cefx',
        '    bogus: 1',
        'spool:',
        '  when_full: maybe',
        '  max_bytes: ten',
      ].join('\n'),
      'f.yaml',
      {},
    ),
  )
  assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
    'sources.fw.bogus',
    'sources.fw.format',
    'sources.fw.listen',
    'spool.max_bytes',
    'spool.when_full',
  ])
  assert.ok(
    problems.some((p) => p.includes('expected one of "block", "drop_newest", "drop_oldest" (got "maybe")')),
  )
  assert.ok(
    problems.some((p) => p.startsWith('sources.fw.bogus: unknown key (expected one of: type, listen')),
  )
  assert.ok(problems.some((p) => p === 'spool.max_bytes: expected integer (got "ten")'))
})

test('semantic checks: time zone, port range, tls block, duplicate listeners', () => {
  const problems = problemsOf(() =>
    parseConfig(
      [
        'sources:',
        '  a: { type: syslog, listen: "tls:0.0.0.0:99999", timezone: Mars/Olympus }',
        '  b: { type: syslog, listen: "tcp:0.0.0.0:5514" }',
        '  c: { type: syslog, listen: "tcp:0.0.0.0:5514" }',
        '  d: { type: syslog, listen: "tls:0.0.0.0:6514" }',
      ].join('\n'),
      'f.yaml',
      {},
    ),
  )
  assert.ok(
    problems.includes(
      'sources.a.listen: expected <udp|tcp|tls>:<host>:<port> with a port up to 65535 (got "tls:0.0.0.0:99999")',
    ),
  )
  assert.ok(
    problems.includes(
      'sources.a.timezone: expected an IANA time zone such as UTC or Europe/Berlin (got "Mars/Olympus")',
    ),
  )
  assert.ok(problems.includes('sources.c.listen: same address as sources.b.listen'))
  assert.ok(problems.includes('sources.d.tls: required when listen is tls:...'))
})

test('secrets come from the environment or a file, and a missing one names its path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-config-'))
  const keyFile = join(dir, 'pass')
  await writeFile(keyFile, 's3cret\n')
  const yaml = (passphrase: string) =>
    `sources:\n  t:\n    type: syslog\n    listen: tls:127.0.0.1:0\n    tls: { cert_file: /c, key_file: /k, key_passphrase: "${passphrase}" }\n`
  assert.equal(
    syslog(parseConfig(yaml(`\${file:${keyFile}}`), 'f', {}).sources.t)?.tls?.key_passphrase,
    's3cret',
  )
  assert.equal(
    syslog(parseConfig(yaml('${env:PASS}'), 'f', { PASS: 'from-env' }).sources.t)?.tls?.key_passphrase,
    'from-env',
  )
  assert.equal(
    syslog(parseConfig(yaml('$${env:PASS}'), 'f', {}).sources.t)?.tls?.key_passphrase,
    '${env:PASS}',
  )
  assert.throws(() => parseConfig(yaml('${env:MISSING}'), 'f', {}), {
    code: 'SNT_ERR_CONFIG_SECRET',
    message: 'Cannot resolve secret sources.t.tls.key_passphrase: environment variable MISSING is not set',
  })
})

test('YAML syntax errors and unreadable files are reported with their origin', async () => {
  assert.throws(() => parseConfig('sources: [unclosed', 'bad.yaml', {}), {
    code: 'SNT_ERR_CONFIG_INVALID',
    message: /bad\.yaml: not valid YAML/,
  })
  assert.throws(() => parseConfig('- a list', 'list.yaml', {}), {
    message: /expected a mapping at the top level/,
  })
  await assert.rejects(loadConfig('/nonexistent/sentinel.yaml', {}), { code: 'SNT_ERR_CONFIG_READ' })
})

test('a spool write must fit in a segment and the quota must hold two segments', () => {
  const problems = problemsOf(() =>
    parseConfig(
      'pipeline: { batch_max_bytes: 2097152 }\nspool: { max_bytes: 1048576, segment_bytes: 1048576 }\n' +
        'sources:\n  s: { type: syslog, listen: "udp:127.0.0.1:0", max_length: 1024 }\n',
      'f',
      {},
    ),
  )
  assert.deepEqual(problems, [
    'pipeline.batch_max_bytes: must be at most spool.segment_bytes (1048576) (got 2097152)',
    'spool.max_bytes: must be at least twice spool.segment_bytes (2097152) so a full segment can be freed while the next fills (got 1048576)',
  ])
})

test('the quota must hold the largest possible single event', () => {
  const problems = problemsOf(() =>
    parseConfig(
      'spool: { max_bytes: 4194304, segment_bytes: 1048576 }\npipeline: { batch_max_bytes: 1048576 }\nsources:\n  big: { type: syslog, listen: "tcp:127.0.0.1:0", max_length: 1000000 }\n',
      'f',
      {},
    ),
  )
  assert.deepEqual(problems, [
    'spool.max_bytes: must be at least 32000000 so the largest event (max_length 1000000) fits (got 4194304)',
  ])
})

test('an snmp_trap source gets its defaults and its secrets resolved', () => {
  const config = parseConfig(
    'sources:\n  traps:\n    type: snmp_trap\n    communities: [public]\n    users:\n      - { name: u, auth_protocol: sha, auth_key: "${env:AK}", priv_protocol: aes, priv_key: privpass123 }\n',
    'f',
    { AK: 'authpass123' },
  )
  const traps = config.sources.traps
  assert.equal(traps?.type, 'snmp_trap')
  if (traps?.type !== 'snmp_trap') return
  assert.equal(traps.listen, 'udp:0.0.0.0:1162')
  assert.equal(traps.users[0]?.level, 'authPriv')
  assert.equal(traps.users[0]?.auth_key, 'authpass123')
  assert.deepEqual(traps.mib_dirs, [])
})

test('an snmp_trap source must listen on udp, know who may send, and have the keys its users need', () => {
  assert.throws(
    () =>
      parseConfig(
        'sources:\n  t:\n    type: snmp_trap\n    listen: tcp:0.0.0.0:162\n    communities: [public]\n',
        'f',
        {},
      ),
    /sources\.t\.listen: expected udp:<host>:<port>/,
  )
  assert.throws(
    () => parseConfig('sources:\n  t:\n    type: snmp_trap\n', 'f', {}),
    /sources\.t: accepts no trap/,
  )
  assert.throws(
    () =>
      parseConfig(
        'sources:\n  t:\n    type: snmp_trap\n    users: [{ name: u, level: authPriv, auth_protocol: sha, auth_key: authpass123 }]\n',
        'f',
        {},
      ),
    /sources\.t\.users\.0\.priv_key: required for level authPriv/,
  )
  assert.throws(
    () => parseConfig('sources:\n  t:\n    type: snmp\n', 'f', {}),
    /sources\.t\.type: expected one of "syslog", "snmp_trap" \(got "snmp"\)/,
  )
})
