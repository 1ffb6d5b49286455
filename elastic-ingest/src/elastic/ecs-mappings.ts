/**
 * @module Elasticsearch mappings for ECS fields, read from the ECS definitions in `@elastic/ecs`
 * (`EcsFlat`): type, `ignore_above`, `index`/`doc_values`, `scaling_factor` and the
 * multi-fields ECS defines. Nothing about an ECS field's type is typed by hand.
 */
import { EcsFlat } from '@elastic/ecs'
import { ECS_MAPPING_OVERRIDES, EMITTED_ECS_FIELDS } from './emitted-fields.js'

/** One field's mapping (`{ type: 'keyword', ignore_above: 1024 }`). */
export type FieldMapping = { type?: string; properties?: Properties; [param: string]: unknown }

/** A `properties` object. */
export type Properties = Record<string, FieldMapping>

interface EcsFieldDefinition {
  type: string
  ignore_above?: number
  index?: boolean
  doc_values?: boolean
  scaling_factor?: number
  multi_fields?: ReadonlyArray<{ name: string; type: string; ignore_above?: number; norms?: boolean }>
}

function definition(name: string): EcsFieldDefinition {
  const entry = (EcsFlat as Record<string, EcsFieldDefinition | undefined>)[name]
  if (entry === undefined) throw new Error(`${name} is not an ECS field (@elastic/ecs EcsFlat)`)
  return entry
}

/**
 * The mapping ECS defines for one field.
 *
 * @example ecsFieldMapping('host.name') // { type: 'keyword', ignore_above: 1024 }
 */
export function ecsFieldMapping(name: string): FieldMapping {
  const ecs = definition(name)
  const mapping: FieldMapping = { type: ecs.type }
  if (ecs.ignore_above !== undefined) mapping.ignore_above = ecs.ignore_above
  if (ecs.index === false) mapping.index = false
  if (ecs.doc_values === false) mapping.doc_values = false
  if (ecs.scaling_factor !== undefined) mapping.scaling_factor = ecs.scaling_factor
  if (ecs.multi_fields && ecs.multi_fields.length > 0) {
    const fields: Record<string, FieldMapping> = {}
    for (const multi of ecs.multi_fields) {
      const sub: FieldMapping = { type: multi.type }
      if (multi.ignore_above !== undefined) sub.ignore_above = multi.ignore_above
      if (multi.norms !== undefined) sub.norms = multi.norms
      fields[multi.name] = sub
    }
    mapping.fields = fields
  }
  return mapping
}

/**
 * Put `mapping` at dotted `path` in a properties tree, creating the object levels on the way.
 * Fails when a path would turn a leaf into an object or the other way round.
 */
export function setPath(root: Properties, path: string, mapping: FieldMapping): void {
  const parts = path.split('.')
  let level = root
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] ?? ''
    const existing = level[part]
    if (existing !== undefined && existing.properties === undefined) {
      throw new Error(`${path}: ${parts.slice(0, i + 1).join('.')} is already mapped as ${existing.type}`)
    }
    const object = existing ?? { properties: {} }
    level[part] = object
    object.properties ??= {}
    level = object.properties
  }
  const leaf = parts[parts.length - 1] ?? ''
  if (level[leaf] !== undefined) throw new Error(`${path} is mapped twice`)
  level[leaf] = mapping
}

/** Sort keys recursively, so generated JSON is stable whatever order fields were listed in. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeys(v)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key])
    return out as T
  }
  return value
}

/**
 * The properties tree of every ECS field Sentinel emits ({@link EMITTED_ECS_FIELDS}), with the
 * documented {@link ECS_MAPPING_OVERRIDES} applied.
 */
export function ecsProperties(): Properties {
  const root: Properties = {}
  for (const name of EMITTED_ECS_FIELDS) {
    setPath(root, name, { ...ecsFieldMapping(name), ...ECS_MAPPING_OVERRIDES[name] })
  }
  return sortKeys(root)
}
