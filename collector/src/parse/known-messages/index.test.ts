import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EcsFlat } from '@elastic/ecs'
import fc from 'fast-check'
import type { SentinelEvent } from '../../event/sentinel-event.js'
import { createBaseEvent } from '../base-event.js'
import { parseRecord } from '../index.js'
import type { ParseContext } from '../parse-context.js'
import { parseRfc3164 } from '../rfc3164.js'
import { looksLikeRfc5424, parseRfc5424 } from '../rfc5424.js'
import { RECEIVED_AT, testRecord } from '../test-record.js'
import { CATEGORISATIONS, categoriseKnownMessage } from './index.js'
import { assertSample } from './test-support/assert-sample.js'
import { KNOWN_MESSAGE_SAMPLES, LOOK_ALIKES } from './test-support/samples.js'

const ALLOWED_TYPES = new Map(
  (EcsFlat['event.category'].allowed_values ?? []).map((v) => [v.name, v.expected_event_types ?? []]),
)
const ALLOWED_OUTCOMES = new Set((EcsFlat['event.outcome'].allowed_values ?? []).map((v) => v.name))

/** Every category is an ECS category, every type one ECS expects with each of them, the outcome allowed. */
function assertEcsCategorisation(
  what: { category?: unknown; type?: unknown; outcome?: unknown; action?: unknown },
  name: string,
): void {
  const categories = Array.isArray(what.category) ? what.category : [what.category]
  const types = Array.isArray(what.type) ? what.type : [what.type]
  for (const category of categories) {
    const expected = ALLOWED_TYPES.get(String(category))
    assert.ok(expected, `${name}: ${category} is not an ECS event.category`)
    for (const type of types) assert.ok(expected.includes(String(type)), `${name}: ${category}/${type}`)
  }
  if (what.outcome !== undefined) assert.ok(ALLOWED_OUTCOMES.has(String(what.outcome)), `${name}: outcome`)
  assert.match(String(what.action), /^[a-z]+(-[a-z0-9]+)*$/, `${name}: event.action is kebab-case`)
}

test('every categorisation uses values ECS allows for its category', () => {
  for (const [name, what] of Object.entries(CATEGORISATIONS)) assertEcsCategorisation(what, name)
})

test('every recognised sample parses to an ECS-valid categorisation', () => {
  for (const sample of KNOWN_MESSAGE_SAMPLES) {
    const event = assertSample(sample)
    assertEcsCategorisation(event.event ?? {}, sample.name)
  }
})

test('look-alikes are left uncategorised, with no entity invented', () => {
  for (const { why, line } of LOOK_ALIKES) {
    const event = parseRecord(testRecord(line))
    assert.equal(event.error, undefined, why)
    for (const key of ['category', 'type', 'action', 'outcome'] as const)
      assert.equal(event.event?.[key], undefined, `${why}: event.${key}`)
    for (const group of ['source', 'destination', 'user', 'related', 'rule', 'observer'] as const)
      assert.equal(event[group], undefined, `${why}: ${group}`)
  }
})

test('CEF, LEEF and JSON bodies keep their own fields: sshd text inside them is not categorised', () => {
  for (const line of [
    '<38>Nov 21 10:00:00 fw1 sshd[1]: {"message":"Failed password for root from 203.0.113.7 port 22 ssh2"}',
    '<38>Nov 21 10:00:00 fw1 sshd[1]: CEF:0|OpenBSD|sshd|9|auth|Failed password for root from 203.0.113.7 port 22 ssh2|5|suser=root',
    '<38>Nov 21 10:00:00 fw1 sshd[1]: LEEF:1.0|OpenBSD|sshd|9|auth|usrName=root',
  ]) {
    const event = parseRecord(testRecord(line))
    assert.notEqual(event.sentinel.format, 'rfc3164', line)
    assert.equal(event.event?.category, undefined, line)
    assert.equal(event.event?.action, undefined, line)
  }
})

test('a syslog message flagged for its stamp is still categorised: the record itself is sound', () => {
  const event = parseRecord(
    testRecord('<38>Feb 30 10:00:00 fw1 sshd[123]: Failed password for root from 203.0.113.7 port 4242 ssh2'),
  )
  assert.equal(event.error?.code, 'SNT_PARSE_TIMESTAMP')
  assert.equal(event.event?.action, 'ssh-login')
})

/** The syslog parse of `line` without the categoriser, as `parseRecord` builds it. */
function parseSyslogOnly(line: string): SentinelEvent {
  const record = testRecord(line)
  const text = record.data.toString('utf8')
  const event = createBaseEvent(record, text, true, 'auto')
  const ctx: ParseContext = {
    now: RECEIVED_AT,
    year: undefined,
    timezone: 'UTC',
    pinned: 'auto',
    scanMs: 0,
    scanEnd: 0,
  }
  if (looksLikeRfc5424(text)) parseRfc5424(event, text, ctx)
  else parseRfc3164(event, text, ctx)
  return event
}

/** `path -> value` of every leaf, array items by index. */
function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) leaves(child, `${prefix}${key}.`, out)
  } else out.set(prefix.slice(0, -1), value)
  return out
}

const HEADERS = [
  '<38>Nov 21 10:00:00 fw1 sshd[123]: ',
  '<85>Nov 21 10:00:00 bastion sudo: ',
  '<4>Nov 21 10:00:00 gw kernel: ',
  '<189>Nov 21 10:21:00 mx1 mgd[4410]: ',
  '<28>Nov 21 10:00:00 mx1 mib2d[1850]: ',
  '<14>Nov 21 10:00:01 srx1 RT_FLOW: ',
  '<189>123: *Mar  1 00:01:02.345: ',
  '<187>Nov 21 10:00:02 router1 129: ',
  '<13>Nov 21 10:00:00 app1 myapp[77]: ',
  '<38>1 2026-11-21T10:00:00Z h sshd 1 - - ',
  '<37>1 2026-11-21T10:00:00Z h sshd - SSHD_LOGIN_FAILED [junos@2636.1.1.1.2.129 username="u" source-address="10.0.0.1"] ',
  '<14>1 2026-11-21T10:00:01Z srx1 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.35 source-address="10.0.0.1" destination-address="10.0.0.2" protocol-id="6"]',
  '<29>1 2026-11-21T10:00:00Z mx1 mib2d 1 SNMP_TRAP_LINK_UP [junos@2636.1.1.1.2.25 interface-name="ge-0/0/1" snmp-interface-index="x"] ',
]
const BODIES = [
  'Failed password for invalid user ',
  'Accepted publickey for ',
  'Invalid user ',
  'Connection closed by authenticating user ',
  'error: maximum authentication attempts exceeded for ',
  'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=',
  ' : 3 incorrect password attempts ; ',
  '%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: ',
  '%SYS-5-CONFIG_I: Configured from console by ',
  '%LINK-3-UPDOWN: Interface ',
  '%ASA-4-106023: Deny tcp src outside:',
  '%ASA-6-605004: Login denied from ',
  '[UFW BLOCK] IN=eth0 OUT= SRC=',
  "UI_COMMIT: User '",
  'SNMP_TRAP_LINK_DOWN: ifIndex ',
  'RT_FLOW_SESSION_DENY: session denied ',
  "SSHD_LOGIN_FAILED: Login failed for user '",
]

/** Sample and look-alike lines, and known headers and message openings followed by anything. */
const lines = fc.oneof(
  fc
    .record({
      base: fc.constantFrom(...KNOWN_MESSAGE_SAMPLES.map((s) => s.line), ...LOOK_ALIKES.map((l) => l.line)),
      at: fc.nat(),
      cut: fc.nat({ max: 12 }),
      insert: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom(' ', ':', '.', '/', '[', ']', "'", '"', '%', '=', '1'),
      ),
    })
    .map(({ base, at, cut, insert }) => {
      const position = at % (base.length + 1)
      return base.slice(0, position) + insert + base.slice(position + cut)
    }),
  fc
    .tuple(
      fc.constantFrom(...HEADERS),
      fc.constantFrom(...BODIES),
      fc.string({ unit: 'binary', maxLength: 80 }),
    )
    .map(([header, body, tail]) => header + body + tail),
)

test('property: the categoriser never throws and never removes or changes a field the syslog parser set', () => {
  fc.assert(
    fc.property(lines, (line) => {
      const base = parseSyslogOnly(line)
      const categorised = structuredClone(base)
      categoriseKnownMessage(categorised)
      const after = leaves(categorised)
      for (const [path, value] of leaves(base)) assert.equal(after.get(path), value, path)
      if (categorised.event?.category !== undefined) {
        assertEcsCategorisation(categorised.event, line)
        for (const ip of [categorised.source?.ip, categorised.destination?.ip])
          if (ip !== undefined) assert.ok(typeof ip === 'string' && ip.length > 1, 'an address')
      }
      // parseRecord runs exactly this on RFC 3164 / RFC 5424 text.
      const format = base.sentinel.format
      if (format === 'rfc3164' || format === 'rfc5424')
        assert.deepEqual(parseRecord(testRecord(line)), categorised)
    }),
    { numRuns: 4000 },
  )
})
