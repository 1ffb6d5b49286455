import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EcsFlat } from '@elastic/ecs'
import { ecsFieldMapping } from './ecs-mappings.js'
import { EMITTED_ECS_FIELDS } from './emitted-fields.js'
import { componentTemplates, DATA_STREAMS, indexTemplates, mappedFields } from './templates.js'
import { SENTINEL_VERSION } from './version.js'

const ecs = EcsFlat as Record<string, { type: string; ignore_above?: number; multi_fields?: unknown[] }>

test('every emitted ECS field is mapped with the type, ignore_above and multi-fields @elastic/ecs defines', () => {
  const fields = mappedFields()
  for (const name of EMITTED_ECS_FIELDS) {
    const definition = ecs[name]
    assert.ok(definition, `${name} is not in EcsFlat`)
    assert.equal(fields.get(name), definition.type, name)
    const mapping = ecsFieldMapping(name)
    assert.equal(mapping.ignore_above, definition.ignore_above, `${name} ignore_above`)
    assert.equal(
      Object.keys((mapping.fields as object | undefined) ?? {}).length,
      definition.multi_fields?.length ?? 0,
    )
  }
  assert.equal(fields.get('message'), 'match_only_text')
  assert.equal(fields.get('url.original.text'), 'match_only_text')
  assert.deepEqual(ecsFieldMapping('event.original'), { type: 'keyword', index: false, doc_values: false })
  assert.equal(fields.get('log.syslog.structured_data'), 'flattened')
})

test('sentinel.* has explicit mappings, including the dead-letter and alert history fields', () => {
  const fields = mappedFields()
  const own = [...fields].filter(
    ([path]) => path.startsWith('sentinel.') && !path.startsWith('sentinel.snmp.'),
  )
  assert.deepEqual(Object.fromEntries(own), {
    'sentinel.alert.annotations': 'flattened',
    'sentinel.alert.count': 'long',
    'sentinel.alert.evidence.event_ids': 'keyword',
    'sentinel.alert.evidence.query': 'keyword',
    'sentinel.alert.evidence.url': 'keyword',
    'sentinel.alert.group_key': 'flattened',
    'sentinel.alert.id': 'keyword',
    'sentinel.alert.labels': 'flattened',
    'sentinel.alert.severity': 'keyword',
    'sentinel.alert.status': 'keyword',
    'sentinel.anomaly.flagged': 'boolean',
    'sentinel.anomaly.model_version': 'keyword',
    'sentinel.anomaly.score': 'float',
    'sentinel.anomaly.shadow.model_version': 'keyword',
    'sentinel.anomaly.shadow.score': 'float',
    'sentinel.anomaly.top_features': 'keyword',
    'sentinel.deadletter.event_id': 'keyword',
    'sentinel.deadletter.index': 'keyword',
    'sentinel.deadletter.reason': 'keyword',
    'sentinel.deadletter.status': 'long',
    'sentinel.extensions': 'flattened',
    'sentinel.format': 'keyword',
    'sentinel.format_version': 'keyword',
    'sentinel.original_base64': 'binary',
    'sentinel.peer.ip': 'ip',
    'sentinel.peer.port': 'long',
    'sentinel.pri_inferred': 'boolean',
    'sentinel.source_id': 'keyword',
    'sentinel.template.id': 'keyword',
    'sentinel.template.text': 'keyword',
    'sentinel.transport': 'keyword',
    'sentinel.truncated': 'boolean',
    'sentinel.vendor_severity': 'keyword',
  })
})

test('sentinel.snmp.* maps trap and poll fields, and every shipped metric as a double value and rate', () => {
  const fields = mappedFields()
  const snmp = [...fields].filter(
    ([path]) =>
      path.startsWith('sentinel.snmp.') &&
      !path.startsWith('sentinel.snmp.metrics.') &&
      !path.startsWith('sentinel.snmp.rates.'),
  )
  assert.deepEqual(Object.fromEntries(snmp), {
    'sentinel.snmp.address': 'keyword',
    'sentinel.snmp.agent_addr': 'ip',
    'sentinel.snmp.device': 'keyword',
    'sentinel.snmp.enterprise': 'keyword',
    'sentinel.snmp.generic_trap': 'long',
    'sentinel.snmp.index': 'keyword',
    'sentinel.snmp.interface.descr': 'keyword',
    'sentinel.snmp.interface.index': 'long',
    'sentinel.snmp.interface.name': 'keyword',
    'sentinel.snmp.labels': 'flattened',
    'sentinel.snmp.pdu_type': 'keyword',
    'sentinel.snmp.previous_state': 'keyword',
    'sentinel.snmp.site': 'keyword',
    'sentinel.snmp.specific_trap': 'long',
    'sentinel.snmp.state': 'keyword',
    'sentinel.snmp.table': 'keyword',
    'sentinel.snmp.trap_name': 'keyword',
    'sentinel.snmp.trap_oid': 'keyword',
    'sentinel.snmp.uptime': 'long',
    'sentinel.snmp.uptime_ticks': 'long',
    'sentinel.snmp.user': 'keyword',
    'sentinel.snmp.values': 'flattened',
    'sentinel.snmp.varbinds': 'flattened',
    'sentinel.snmp.version': 'keyword',
  })
  assert.equal(fields.has('sentinel.snmp.community'), false, 'a community string is a secret, never a field')
  for (const name of [
    'ifHCInOctets',
    'ifOperStatus',
    'hrProcessorLoad',
    'laLoad',
    'memAvailReal',
    'sysUpTime',
  ]) {
    assert.equal(fields.get(`sentinel.snmp.metrics.${name}`), 'double', name)
    assert.equal(fields.get(`sentinel.snmp.rates.${name}`), 'double', name)
  }
})

test('unknown fields are kept, not rejected: dynamic false on the root', () => {
  const mappings = componentTemplates()['sentinel@mappings']?.template.mappings
  assert.equal(mappings?.dynamic, false)
})

test('an index template per data stream of DESIGN.md §2, above Elastic built-in logs-*-* (priority 100)', () => {
  const templates = indexTemplates()
  for (const pattern of [
    'logs-sentinel.syslog-*',
    'logs-sentinel.snmp_trap-*',
    'metrics-sentinel.snmp-*',
    'logs-sentinel.alert-*',
    'logs-sentinel.deadletter-*',
  ]) {
    const template = Object.values(templates).find((t) => t.index_patterns.includes(pattern))
    assert.ok(template, pattern)
    assert.deepEqual(template.data_stream, {})
    assert.ok(template.priority > 100)
    assert.deepEqual(template.composed_of.slice(0, 3), [
      'sentinel@settings',
      'sentinel-ecs@mappings',
      'sentinel@mappings',
    ])
    assert.equal(template._meta.managed_by, 'sentinel')
    assert.equal(template._meta.sentinel_version, SENTINEL_VERSION)
  }
  assert.equal(Object.keys(templates).length, DATA_STREAMS.length)
})

test('the lifecycle setting is left out where the cluster has no ILM', () => {
  const withIlm = componentTemplates()['sentinel@settings']?.template.settings as {
    index: Record<string, unknown>
  }
  const without = componentTemplates({ ilm: false })['sentinel@settings']?.template.settings as {
    index: Record<string, unknown>
  }
  assert.deepEqual(withIlm.index.lifecycle, { name: 'sentinel-logs' })
  assert.equal(without.index.lifecycle, undefined)
})
