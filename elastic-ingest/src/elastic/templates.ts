/**
 * @module Component and composable index templates for Sentinel's data streams (DESIGN.md §2):
 *
 * - `sentinel@settings`: index settings, with `index.lifecycle.name` when the cluster has ILM.
 * - `sentinel-ecs@mappings`: the ECS fields Sentinel emits, generated from `@elastic/ecs`.
 * - `sentinel@mappings`: `sentinel.*`, and `dynamic: false` on the root.
 * - one index template per data stream (`logs-sentinel.syslog-*`, ...), `data_stream: {}`,
 *   priority 200 (Elastic's built-in `logs-*-*` has 100), composed of the three, plus an optional
 *   `<template>@custom` an operator may add for local changes.
 *
 * Why `dynamic: false` and not `strict`: an event carrying a field the templates do not know is
 * still indexed; the field stays in `_source` (visible, retrievable) but is not searchable.
 * `strict` would reject the whole event and send it to the dead-letter stream, losing it from
 * normal searches for a schema gap. The field-coverage test keeps that gap empty for what the
 * parsers emit today.
 */
import { ecsProperties, sortKeys, type Properties } from './ecs-mappings.js'
import { ILM_POLICY_NAME } from './ilm.js'
import { sentinelProperties } from './sentinel-fields.js'
import { MANAGED_BY, SENTINEL_VERSION } from './version.js'

/** Priority of Sentinel's index templates: above Elastic's `logs-*-*` / `metrics-*-*` (100). */
export const INDEX_TEMPLATE_PRIORITY = 200

/** Sentinel's data streams as `type` and `dataset` (the namespace is `*`). */
export const DATA_STREAMS = [
  { type: 'logs', dataset: 'sentinel.syslog', description: 'Syslog, CEF, LEEF and JSON events' },
  { type: 'logs', dataset: 'sentinel.snmp_trap', description: 'SNMP traps and informs' },
  { type: 'metrics', dataset: 'sentinel.snmp', description: 'Polled SNMP values' },
  { type: 'logs', dataset: 'sentinel.alert', description: 'History of every alert sent' },
  {
    type: 'logs',
    dataset: 'sentinel.deadletter',
    description: 'Events Elasticsearch refused, with the reason (sentinel.deadletter.*)',
  },
  {
    type: 'logs',
    dataset: 'sentinel.generic',
    description: 'Events that carry no event.dataset (the sink falls back to this one)',
  },
] as const

export const COMPONENT_SETTINGS = 'sentinel@settings'
export const COMPONENT_ECS_MAPPINGS = 'sentinel-ecs@mappings'
export const COMPONENT_SENTINEL_MAPPINGS = 'sentinel@mappings'

/** Body of `PUT _component_template/<name>`. */
export interface ComponentTemplateBody {
  template: { settings?: Record<string, unknown>; mappings?: Record<string, unknown> }
  _meta: Record<string, unknown>
}

/** Body of `PUT _index_template/<name>`. */
export interface IndexTemplateBody {
  index_patterns: string[]
  data_stream: Record<string, unknown>
  priority: number
  composed_of: string[]
  ignore_missing_component_templates: string[]
  _meta: Record<string, unknown>
}

export interface TemplateOptions {
  /** Point `index.lifecycle.name` at the ILM policy (only where the cluster has ILM). Default true. */
  ilm?: boolean
}

function meta(description: string): Record<string, unknown> {
  return { description, managed_by: MANAGED_BY, sentinel_version: SENTINEL_VERSION }
}

/** The component templates by name. */
export function componentTemplates(options: TemplateOptions = {}): Record<string, ComponentTemplateBody> {
  const ilm = options.ilm ?? true
  return {
    [COMPONENT_SETTINGS]: {
      template: {
        settings: {
          index: {
            // Logs are written once and read rarely: trade a little CPU for about 30 % less disk.
            codec: 'best_compression',
            // Searchable fields by default: message and error.message (KQL/free-text queries).
            query: { default_field: ['message', 'error.message'] },
            ...(ilm ? { lifecycle: { name: ILM_POLICY_NAME } } : {}),
          },
        },
      },
      _meta: meta(
        ilm
          ? `Sentinel index settings; lifecycle policy ${ILM_POLICY_NAME}.`
          : 'Sentinel index settings (this cluster has no ILM: no lifecycle policy).',
      ),
    },
    [COMPONENT_ECS_MAPPINGS]: {
      template: { mappings: { properties: ecsProperties() } },
      _meta: meta('ECS fields Sentinel emits, generated from @elastic/ecs.'),
    },
    [COMPONENT_SENTINEL_MAPPINGS]: {
      template: {
        mappings: sortKeys({
          dynamic: false,
          date_detection: false,
          properties: sentinelProperties(),
        }),
      },
      _meta: meta('Sentinel fields (sentinel.*); unknown fields are kept in _source, not indexed.'),
    },
  }
}

/** `logs-sentinel.syslog` for a data stream (also its index template's name). */
export function templateName(stream: (typeof DATA_STREAMS)[number]): string {
  return `${stream.type}-${stream.dataset}`
}

/** The index templates by name. */
export function indexTemplates(): Record<string, IndexTemplateBody> {
  const out: Record<string, IndexTemplateBody> = {}
  for (const stream of DATA_STREAMS) {
    const name = templateName(stream)
    const custom = `${name}@custom`
    out[name] = {
      index_patterns: [`${name}-*`],
      data_stream: {},
      priority: INDEX_TEMPLATE_PRIORITY,
      composed_of: [COMPONENT_SETTINGS, COMPONENT_ECS_MAPPINGS, COMPONENT_SENTINEL_MAPPINGS, custom],
      ignore_missing_component_templates: [custom],
      _meta: meta(`${stream.description}. Add local changes in the component template ${custom}.`),
    }
  }
  return out
}

/**
 * Every field path the templates map, with its type (`source.ip` -> `ip`; multi-fields as
 * `url.original.text`). Object levels are not listed.
 */
export function mappedFields(options: TemplateOptions = {}): Map<string, string> {
  const fields = new Map<string, string>()
  const walk = (properties: Properties, prefix: string) => {
    for (const [name, mapping] of Object.entries(properties)) {
      const path = prefix + name
      if (mapping.properties) walk(mapping.properties, `${path}.`)
      else fields.set(path, mapping.type ?? 'object')
      const multi = mapping.fields as Properties | undefined
      for (const [sub, m] of Object.entries(multi ?? {})) fields.set(`${path}.${sub}`, m.type ?? 'object')
    }
  }
  for (const body of Object.values(componentTemplates(options))) {
    const properties = (body.template.mappings as { properties?: Properties } | undefined)?.properties
    if (properties) walk(properties, '')
  }
  return fields
}
