/**
 * @module Field types that live in optional Elasticsearch modules, and what stands in for each on
 * a cluster without the module (the integ-test distribution the tests run has none of them).
 * Setup asks the cluster which types it knows and substitutes only the missing ones, reporting
 * each substitution.
 */
import type { FieldMapping, Properties } from './ecs-mappings.js'

/** A missing type, the module that brings it, and the nearest core type. */
export interface OptionalFieldType {
  module: string
  /** Replaces the type; parameters the substitute does not take are dropped. */
  substitute: FieldMapping
  /** Parameters of the original type the substitute cannot take. */
  drop: readonly string[]
}

export const OPTIONAL_FIELD_TYPES: Readonly<Record<string, OptionalFieldType>> = {
  match_only_text: { module: 'mapper-extras', substitute: { type: 'text' }, drop: [] },
  scaled_float: { module: 'mapper-extras', substitute: { type: 'double' }, drop: ['scaling_factor'] },
  // A wildcard value has no length limit; as a keyword, a value over Lucene's 32766-byte term
  // limit would reject the event, so long values are kept in _source only.
  wildcard: { module: 'x-pack-wildcard', substitute: { type: 'keyword', ignore_above: 8191 }, drop: [] },
  constant_keyword: { module: 'x-pack-constant-keyword', substitute: { type: 'keyword' }, drop: ['value'] },
}

/** Every `type` used in a properties tree, multi-fields included. */
export function fieldTypesUsed(properties: Properties, found = new Set<string>()): Set<string> {
  for (const mapping of Object.values(properties)) {
    if (mapping.type !== undefined) found.add(mapping.type)
    if (mapping.properties) fieldTypesUsed(mapping.properties, found)
    const multi = mapping.fields as Properties | undefined
    if (multi) fieldTypesUsed(multi, found)
  }
  return found
}

/** A copy of `properties` with every type in `missing` replaced by its substitute. */
export function substituteFieldTypes(properties: Properties, missing: ReadonlySet<string>): Properties {
  const out: Properties = {}
  for (const [name, mapping] of Object.entries(properties)) {
    let next: FieldMapping = { ...mapping }
    const optional =
      mapping.type !== undefined && missing.has(mapping.type) ? OPTIONAL_FIELD_TYPES[mapping.type] : undefined
    if (optional) {
      for (const param of optional.drop) delete next[param]
      next = { ...next, ...optional.substitute }
    }
    if (mapping.properties) next.properties = substituteFieldTypes(mapping.properties, missing)
    const multi = mapping.fields as Properties | undefined
    if (multi) next.fields = substituteFieldTypes(multi, missing)
    out[name] = next
  }
  return out
}
