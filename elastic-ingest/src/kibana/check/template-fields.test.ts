import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  DataViewFields,
  flattenMappings,
  missingComponents,
  readTemplates,
  templatesFor,
} from './template-fields.js'

const ECS_COMPONENT = {
  template: {
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        message: { type: 'match_only_text' },
        event: { properties: { original: { type: 'keyword', index: false, doc_values: false } } },
        url: {
          properties: { original: { type: 'wildcard', fields: { text: { type: 'match_only_text' } } } },
        },
        log: { properties: { syslog: { properties: { structured_data: { type: 'flattened' } } } } },
        host: { properties: { name: { type: 'keyword' } } },
        hostname: { type: 'alias', path: 'host.name' },
      },
    },
  },
  _meta: { description: 'ECS' },
}

const SENTINEL_COMPONENT = {
  template: {
    mappings: {
      dynamic: false,
      properties: { sentinel: { properties: { source_id: { type: 'keyword' } } } },
      dynamic_templates: [{ labels: { path_match: 'sentinel.labels.*', mapping: { type: 'keyword' } } }],
    },
  },
}

function indexTemplate(pattern: string) {
  return {
    index_patterns: [pattern],
    data_stream: {},
    priority: 200,
    composed_of: ['sentinel@settings', 'sentinel-ecs@mappings', 'sentinel@mappings', `${pattern}@custom`],
    ignore_missing_component_templates: [`${pattern}@custom`],
  }
}

async function templateDir(t: { after: (fn: () => Promise<void>) => void }, files: Record<string, unknown>) {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-templates-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  for (const [name, content] of Object.entries(files))
    await writeFile(join(dir, name), JSON.stringify(content))
  return dir
}

test('mappings flatten to dotted names with multi-fields, flattened roots, aliases and dynamic paths', () => {
  const flat = flattenMappings('x', ECS_COMPONENT.template.mappings)
  assert.deepEqual([...flat.fields.keys()].sort(), [
    '@timestamp',
    'event.original',
    'host.name',
    'hostname',
    'log.syslog.structured_data',
    'message',
    'url.original',
    'url.original.text',
  ])
  const fields = new DataViewFields([flat, flattenMappings('y', SENTINEL_COMPONENT.template.mappings)])
  assert.deepEqual([...fields.typesOf('url.original.text')], ['match_only_text'])
  assert.deepEqual([...fields.typesOf('log.syslog.structured_data.origin.ip')], ['keyword'])
  assert.deepEqual([...fields.typesOf('hostname')], ['keyword'])
  assert.deepEqual([...fields.typesOf('sentinel.labels.site')], ['keyword'])
  assert.equal(fields.typesOf('sentinel.anomaly.score').size, 0)
  assert.equal(fields.isSearchable('event.original'), false)
  assert.equal(fields.hasDocValues('event.original'), false)
  assert.equal(fields.isSearchable('host.name'), true)
})

test('a template directory is read as components and index templates, matched to data view patterns', async (t) => {
  const dir = await templateDir(t, {
    'sentinel@settings.json': { template: { settings: { index: { codec: 'best_compression' } } } },
    'sentinel-ecs@mappings.json': ECS_COMPONENT,
    'sentinel@mappings.json': SENTINEL_COMPONENT,
    'logs-sentinel.syslog.json': indexTemplate('logs-sentinel.syslog-*'),
    'metrics-sentinel.snmp.json': indexTemplate('metrics-sentinel.snmp-*'),
    'sentinel-ilm-policy.json': { policy: { phases: {} } },
  })
  const set = await readTemplates(dir)
  assert.deepEqual([...set.components.keys()].sort(), [
    'sentinel-ecs@mappings',
    'sentinel@mappings',
    'sentinel@settings',
  ])
  assert.deepEqual(missingComponents(set), [])
  assert.deepEqual(
    templatesFor(set, 'logs-sentinel.*').map((x) => x.name),
    ['logs-sentinel.syslog'],
  )
  assert.deepEqual(templatesFor(set, 'logs-sentinel.alert-*'), [])
  assert.deepEqual([...DataViewFields.for(set, 'logs-sentinel.*').typesOf('sentinel.source_id')], ['keyword'])
  assert.equal(DataViewFields.for(set, 'logs-sentinel.alert-*').typesOf('host.name').size, 0)
})

test('a composed component template that is neither a file nor built in is reported', async (t) => {
  const dir = await templateDir(t, { 'logs-sentinel.syslog.json': indexTemplate('logs-sentinel.syslog-*') })
  assert.deepEqual(missingComponents(await readTemplates(dir)), [
    'sentinel@settings (composed by logs-sentinel.syslog)',
    'sentinel-ecs@mappings (composed by logs-sentinel.syslog)',
    'sentinel@mappings (composed by logs-sentinel.syslog)',
  ])
})

test('a missing template directory reads as empty', async () => {
  const set = await readTemplates(join(tmpdir(), 'sentinel-no-such-dir'))
  assert.equal(set.indexTemplates.length, 0)
})
