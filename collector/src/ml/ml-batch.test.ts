import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SourceContext } from '../event/raw-record.js'
import { parseRecord } from '../parse/index.js'
import { SNMP_POLL_CONTEXT } from '../sources/snmp_poll/records.js'
import { applyMlAnnotations, factsAt, newFacts, toMlBatch } from './ml-batch.js'

const context: SourceContext = { sourceId: 'syslog_udp', transport: 'udp', format: 'auto', timezone: 'UTC' }
const parse = (line: string) =>
  parseRecord({
    data: Buffer.from(line),
    receivedAt: Date.UTC(2026, 10, 21),
    peerAddress: '192.0.2.9',
    context,
  })

test('a batch holds the log events and polls of a slice as columns, and its annotations go back onto them', () => {
  const login = parse(
    '<86>Nov 21 10:00:00 bastion sshd[4242]: Failed password for root from 203.0.113.7 port 51544 ssh2',
  )
  const bare = parse('<13>1 2026-11-21T10:00:00Z - app - - - no host name here')
  const broken = parse('<999>garbage')
  const poll = parseRecord({
    data: Buffer.from(
      JSON.stringify({
        kind: 'metric',
        device: 'core1',
        address: '192.0.2.1',
        time_ms: Date.UTC(2026, 10, 21, 10),
        duration_ms: 5,
        table: 'ifIndex',
        index: '3',
        labels: {},
        metrics: { ifOperStatus: 1 },
        rates: { ifHCInOctets: 1000 },
      }),
    ),
    receivedAt: Date.UTC(2026, 10, 21),
    context: SNMP_POLL_CONTEXT,
  })
  assert.equal(broken.event?.kind, 'pipeline_error')

  const slice = toMlBatch([login, broken, poll, bare])
  const { batch } = slice
  assert.deepEqual(slice.logged, [login, bare], 'parse errors are left alone')
  assert.deepEqual(batch.messages, [login.message, bare.message])
  // One object for every row, as the stage reads them: each row overwrites all of the last.
  const facts = newFacts()
  assert.deepEqual(factsAt(batch, 0, facts), {
    device: 'bastion',
    severity: 6,
    sourceIp: '203.0.113.7',
    port: undefined,
  })
  // No host name: the device is the address the record came from; no severity: informational.
  assert.equal(factsAt(batch, 1, facts), facts)
  assert.deepEqual(facts, {
    device: '192.0.2.9',
    severity: 5,
    sourceIp: undefined,
    port: undefined,
  })
  assert.deepEqual(batch.polls, [
    {
      device: 'core1',
      time: Date.UTC(2026, 10, 21, 10),
      table: 'ifIndex',
      index: '3',
      metrics: { ifOperStatus: 1 },
      rates: { ifHCInOctets: 1000 },
    },
  ])
  // What crosses the thread boundary survives a structured clone unchanged.
  assert.deepEqual(structuredClone(batch), batch)

  applyMlAnnotations(slice, {
    templateIds: ['t1', 't2'],
    templateTexts: ['Failed password for root from <*> port <*> ssh2', 'no host name here'],
    active: { version: 'v0001', scores: Float32Array.of(0.75, 0.25) },
    shadow: { version: 'v0002', scores: Float32Array.of(0.5, 0.125) },
    explained: [[0, ['template_rarity']]],
    polls: [{ score: 0.1, model_version: 'series/v1' }],
  })
  assert.deepEqual(login.sentinel['template'], {
    id: 't1',
    text: 'Failed password for root from <*> port <*> ssh2',
  })
  assert.deepEqual(login.sentinel['anomaly'], {
    score: 0.75,
    model_version: 'v0001',
    shadow: { score: 0.5, model_version: 'v0002' },
    top_features: ['template_rarity'],
  })
  assert.deepEqual(bare.sentinel['anomaly'], {
    score: 0.25,
    model_version: 'v0001',
    shadow: { score: 0.125, model_version: 'v0002' },
  })
  assert.deepEqual(poll.sentinel['anomaly'], { score: 0.1, model_version: 'series/v1' })
  assert.equal(broken.sentinel['template'], undefined)
})
