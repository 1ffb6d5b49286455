/**
 * @module Field coverage: every field the collector's parsers emit is mapped by the generated
 * templates, with a type its values fit. A corpus of every format (the demo traffic mix, captured
 * vendor lines, the known-message samples, malformed input, invalid UTF-8) runs through `parseRecord`; each leaf path of each
 * event (a `flattened` field counts as one leaf) must be in `mappedFields()`.
 */
import assert from 'node:assert/strict'
import { isIP } from 'node:net'
import { test } from 'node:test'
import { demoMessage } from '../../collector/src/cli/demo-traffic.js'
import type { ParseFormat, RawRecord } from '../../collector/src/event/raw-record.js'
import { parseRecord } from '../../collector/src/parse/index.js'
import {
  KNOWN_MESSAGE_SAMPLES,
  LOOK_ALIKES,
} from '../../collector/src/parse/known-messages/test-support/samples.js'
import { encodeNotification } from '../../collector/src/sources/snmp_trap/encode.js'
import {
  UNKNOWN_ENTERPRISE_PDU,
  V1_LINK_DOWN_PDU,
  V2C_LINK_UP_PDU,
} from '../../collector/src/sources/snmp_trap/test-support/notifications.js'
import { mappedFields } from '../../elastic-ingest/src/elastic/templates.js'
import { exampleAlert } from '../../collector/src/correlate/test-support/example-alert.js'

const NOW = new Date(Date.UTC(2026, 10, 21, 12, 0, 0))

const ALERT = exampleAlert(NOW.getTime(), { endsAt: NOW.getTime() })

function record(
  data: string | Buffer,
  format: ParseFormat = 'auto',
  extra: { truncated?: boolean; peer?: boolean } = {},
): RawRecord {
  return {
    data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
    receivedAt: NOW.getTime(),
    ...(extra.peer === false ? {} : { peerAddress: '192.0.2.10', peerPort: 40514 }),
    truncated: extra.truncated,
    context: { sourceId: 'syslog_udp', transport: 'udp', format, timezone: 'UTC' },
  }
}

/** Lines as real senders write them, plus the broken input a network delivers. */
const CAPTURED: ReadonlyArray<[string | Buffer, ParseFormat]> = [
  // util-linux logger --rfc5424 with structured data, and rsyslog's RFC 5424 forward.
  [
    '<13>1 2026-11-21T10:17:01.123456+01:00 web-03 logger 4242 ID47 [timeQuality tzKnown="1" isSynced="1"][exampleSDID@32473 iut="3" eventSource="Application" eventSource="Audit"] BOMhello',
    'auto',
  ],
  ['<165>1 2026-11-21T10:17:01Z - - - - -', 'rfc5424'],
  // RFC 3164 with a sequence number (Cisco IOS), without PRI, and a tag with a pid.
  ['<189>123: Nov 21 10:17:01 core-sw-02 %SYS-5-CONFIG_I: Configured from console', 'auto'],
  ['Nov 21 10:17:01 db-01 postgres[911]: checkpoint starting', 'auto'],
  // CEF with every mapped extension, labels, repeated keys, an invalid address and MACs.
  [
    '<14>Nov 21 10:17:01 pa-fw01 CEF:0|Palo Alto Networks|PAN-OS|10.2.4|TRAFFIC|end|3|rt=Nov 21 2026 10:16:59 src=10.1.2.3 dst=198.51.100.20 spt=51544 dpt=443 proto=6 act=allow in=5123 out=48211 smac=00:1b:17:aa:bb:cc dmac=00-1B-17-AA-BB-CD suser=acme\\\\bob duser=carol shost=laptop-7 dhost=api.example.net request=https://api.example.net/v1?q=1 cs1=allow-web cs1Label=Rule outcome=Success msg=session ended',
    'auto',
  ],
  [
    'CEF:0|Arc\\|Sight|Logger|7.0|4:1|Name|Very-High|src=not-an-ip dvc=10.0.0.1 dvc=10.0.0.2 cn1=7 cn1Label=Count',
    'cef',
  ],
  ['CEF:0|broken header', 'cef'],
  // LEEF 1.0 and 2.0 (custom delimiter, devTimeFormat), and a broken one.
  [
    '<13>Nov 21 10:17:01 exch01 LEEF:1.0|Microsoft|MSExchange|2016|15345|src=192.0.2.10\tdst=172.16.1.5\tsrcPort=51000\tdstPort=25\tsrcBytes=10\tdstBytes=20\tusrName=alice\tproto=TCP\tsev=4\tcat=Mail Rejected\tsubject=a=b test',
    'auto',
  ],
  [
    'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|devTimeFormat=yyyy-MM-dd HH:mm:ss.SSS Z^devTime=2026-11-21 11:17:01.250 +0100^src=10.0.1.8^dst=10.0.0.5^srcMAC=00:50:56:aa:bb:cc^dstMAC=00:50:56:aa:bb:cd^flowCount=3',
    'leef',
  ],
  ['LEEF:2.0|V|P', 'leef'],
  // JSON application logs: nested objects, arrays, numbers, booleans, null; bad JSON.
  [
    '{"time":"2026-11-21T10:17:01Z","severity":"warning","hostname":"app-1","msg":"slow query","db":{"name":"orders","ms":1532.5,"tags":["a","b"],"ok":false,"none":null}}',
    'json',
  ],
  [
    '<134>1 2026-11-21T10:17:01Z app-2 svc 1 - - {"log.level":"info","host.name":"app-2","message":"ok","n":1}',
    'auto',
  ],
  ['{"unterminated": ', 'json'],
  // Format mismatches on pinned listeners, empty input, invalid UTF-8, a truncated frame.
  ['<13>1 2026-11-21T10:17:01Z h a - - - pinned elsewhere', 'rfc3164'],
  ['plain text on a CEF listener', 'cef'],
  ['', 'auto'],
  ['\n\n', 'auto'],
  [Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x4e, 0x6f, 0x76, 0x20, 0xff, 0xfe, 0x80, 0x20, 0x68, 0x69]), 'auto'],
  ['<999>Nov 21 10:17:01 host bad pri', 'auto'],
  ['<13>1 not-a-date host app - - - msg', 'auto'],
  ['<13>1 2026-11-21T10:17:01Z host app - - [unterminated@1 a="b', 'auto'],
]

function corpus(): RawRecord[] {
  const records: RawRecord[] = []
  for (let n = 0; n < 200; n++) records.push(record(demoMessage(n, NOW)))
  for (const [data, format] of CAPTURED) records.push(record(data, format))
  // Known sshd/PAM/sudo, Cisco, Junos and netfilter records the parser categorises, and look-alikes.
  for (const { line } of [...KNOWN_MESSAGE_SAMPLES, ...LOOK_ALIKES]) records.push(record(line))
  records.push(record('<13>Nov 21 10:17:01 host app: cut sho', 'auto', { truncated: true, peer: false }))
  // SNMP poll records (an interface row with a rate, the device's scalars, a device going down).
  const snmpDevice = {
    device: 'core-sw-01',
    address: '192.0.2.1',
    tags: ['core'],
    site: 'dc1',
    time_ms: NOW.getTime(),
  }
  for (const poll of [
    {
      ...snmpDevice,
      kind: 'metric',
      duration_ms: 42,
      uptime_ticks: 123456,
      table: 'ifIndex',
      index: '2',
      labels: { ifIndex: '2', ifName: 'eth0', ifDescr: 'eth0' },
      metrics: { ifHCInOctets: 1234567, ifOperStatus: 1 },
      rates: { ifHCInOctets: 1250.5 },
    },
    {
      ...snmpDevice,
      kind: 'metric',
      duration_ms: 42,
      table: '',
      index: '',
      labels: {},
      metrics: { sysUpTime: 123456, memTotalReal: 2048 },
      rates: {},
    },
    {
      ...snmpDevice,
      kind: 'state',
      state: 'down',
      previous: 'up',
      error: 'GET on core-sw-01: Request timed out',
    },
  ]) {
    records.push(record(JSON.stringify(poll), 'snmp_poll'))
  }
  // SNMP traps as the trap source encodes them: v1 linkDown, v2c linkUp with IF-MIB varbinds of
  // every type (integer, string, MAC bytes, Counter64), a v3 enterprise trap MIBs do not name.
  for (const notification of [V1_LINK_DOWN_PDU, V2C_LINK_UP_PDU, UNKNOWN_ENTERPRISE_PDU]) {
    records.push(record(JSON.stringify(encodeNotification(notification)), 'snmp_trap'))
  }
  // Alert history as the correlator writes it: a firing and a resolved change.
  for (const type of ['firing', 'resolved'] as const) {
    records.push(record(JSON.stringify({ type, alert: ALERT }), 'alert'))
  }
  return records
}

/** `path -> sample value` for every leaf; values under a flattened field are not descended into. */
function leaves(
  value: unknown,
  flattened: ReadonlySet<string>,
  prefix = '',
  out = new Map<string, unknown>(),
) {
  if (Array.isArray(value)) {
    for (const item of value) leaves(item, flattened, prefix, out)
    return out
  }
  const path = prefix.slice(0, -1)
  if (value !== null && typeof value === 'object' && !flattened.has(path)) {
    for (const [key, child] of Object.entries(value)) leaves(child, flattened, `${prefix}${key}.`, out)
    return out
  }
  if (value !== null && value !== undefined) out.set(path, value)
  return out
}

/** Why `value` does not fit a field of `type`, or undefined when it does. */
function misfit(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'long':
      return Number.isSafeInteger(value) ? undefined : 'not an integer'
    case 'double':
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'not a number'
    case 'ip':
      return typeof value === 'string' && isIP(value) !== 0 ? undefined : 'not an IP address'
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'not a boolean'
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : 'not a date'
    case 'flattened':
      return typeof value === 'object' ? undefined : 'not an object'
    case 'binary':
      return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? undefined : 'not base64'
    default:
      return typeof value === 'string' ? undefined : `a ${typeof value} in a ${type} field`
  }
}

test('every field the parsers emit (demo mix, CEF/LEEF/JSON, malformed, invalid UTF-8) is mapped by the templates', () => {
  const mapped = mappedFields()
  const flattened = new Set([...mapped].filter(([, type]) => type === 'flattened').map(([path]) => path))
  const unmapped = new Map<string, string>()
  const misfits: string[] = []
  const seen = new Set<string>()
  for (const raw of corpus()) {
    const event = parseRecord(raw)
    for (const [path, value] of leaves(event, flattened)) {
      seen.add(path)
      const type = mapped.get(path)
      if (type === undefined) {
        unmapped.set(path, raw.data.toString('utf8').slice(0, 80))
        continue
      }
      const why = misfit(type, value)
      if (why) misfits.push(`${path} (${type}): ${JSON.stringify(value)} is ${why}`)
    }
  }
  assert.equal(
    unmapped.size,
    0,
    `Fields the collector emits that the Elasticsearch templates do not map (add them to ` +
      `elastic-ingest/src/elastic/emitted-fields.ts or sentinel-fields.ts, then npm run generate):\n` +
      [...unmapped].map(([path, line]) => `  ${path}   e.g. from ${JSON.stringify(line)}`).join('\n'),
  )
  assert.deepEqual(misfits, [], 'values that do not fit their mapped type')
  // The corpus reaches the fields this test is meant to guard.
  for (const path of [
    'log.syslog.structured_data',
    'sentinel.extensions',
    'sentinel.original_base64',
    'sentinel.truncated',
    'sentinel.pri_inferred',
    'source.mac',
    'destination.user.name',
    'network.iana_number',
    'url.original',
    'error.code',
    'event.sequence',
    'sentinel.snmp.metrics.ifHCInOctets',
    'sentinel.snmp.rates.ifHCInOctets',
    'observer.ingress.interface.name',
    'observer.egress.interface.name',
    'observer.ingress.zone',
    'event.outcome',
    'user.name',
    'related.user',
    'source.domain',
    'rule.name',
    'rule.id',
    'sentinel.alert.evidence.event_ids',
    'sentinel.alert.group_key',
    'event.start',
  ]) {
    assert.ok(seen.has(path), `the corpus produced no ${path}`)
  }
})

test('the coverage check itself reports a field the templates do not map', () => {
  const mapped = mappedFields()
  const flattened = new Set([...mapped].filter(([, type]) => type === 'flattened').map(([path]) => path))
  const paths = [...leaves({ source: { ip: '192.0.2.1', geo: { city_name: 'X' } } }, flattened).keys()]
  assert.deepEqual(
    paths.filter((p) => !mapped.has(p)),
    ['source.geo.city_name'],
  )
})
