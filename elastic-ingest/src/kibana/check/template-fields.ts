/**
 * @module The fields Elasticsearch will have for each data view, read from the generated index and
 * component templates (`elastic-ingest/templates/*.json`): mappings flattened to dotted names,
 * multi-fields included, `flattened` roots covering every sub-path, dynamic templates matched by
 * `path_match`.
 */
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'

/** Field name -> mapped types (more than one when templates disagree). */
export type FieldTypes = Map<string, Set<string>>

/** A component template's mappings, flattened. */
export interface ComponentFields {
  name: string
  fields: FieldTypes
  /** Roots of `flattened` fields: any `<root>.<key>` is a (keyword-like) field. */
  flattenedRoots: Set<string>
  /** `path_match` globs of dynamic templates, with the type they map to. */
  dynamicPaths: Array<{ glob: string; type: string }>
  /** Fields mapped with `index: false`: kept, but not searchable. */
  unindexed: Set<string>
  /** Fields mapped with `doc_values: false`: not sortable or aggregatable. */
  noDocValues: Set<string>
}

/** A composable index template. */
export interface IndexTemplate {
  name: string
  indexPatterns: string[]
  composedOf: string[]
  /** The template's own mappings, as a component without a name of its own. */
  own: ComponentFields
}

/** What a directory of template files holds. */
export interface TemplateSet {
  components: Map<string, ComponentFields>
  indexTemplates: IndexTemplate[]
}

/**
 * Built-in component templates Elasticsearch installs (`logs@mappings` and friends) and optional
 * `*@custom` hooks: index templates may compose them without a file here. Only the fields they map
 * for certain are listed.
 */
const BUILT_IN_COMPONENTS: Readonly<Record<string, Record<string, string>>> = {
  'logs@mappings': {
    '@timestamp': 'date',
    'data_stream.type': 'constant_keyword',
    'data_stream.dataset': 'constant_keyword',
    'data_stream.namespace': 'constant_keyword',
  },
  'metrics@mappings': {
    '@timestamp': 'date',
    'data_stream.type': 'constant_keyword',
    'data_stream.dataset': 'constant_keyword',
    'data_stream.namespace': 'constant_keyword',
  },
  'data-streams@mappings': {
    '@timestamp': 'date',
    'data_stream.type': 'constant_keyword',
    'data_stream.dataset': 'constant_keyword',
    'data_stream.namespace': 'constant_keyword',
  },
  'ecs@mappings': {},
  'logs@settings': {},
  'metrics@settings': {},
  'metrics@tsdb-settings': {},
}

function isBuiltIn(name: string): boolean {
  return Object.hasOwn(BUILT_IN_COMPONENTS, name) || name.endsWith('@custom')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function addType(fields: FieldTypes, name: string, type: string): void {
  const types = fields.get(name) ?? new Set<string>()
  types.add(type)
  fields.set(name, types)
}

function emptyComponent(name: string): ComponentFields {
  return {
    name,
    fields: new Map(),
    flattenedRoots: new Set(),
    dynamicPaths: [],
    unindexed: new Set(),
    noDocValues: new Set(),
  }
}

function walkProperties(properties: Record<string, unknown>, prefix: string, into: ComponentFields): void {
  for (const [key, value] of Object.entries(properties)) {
    if (!isRecord(value)) continue
    const path = prefix === '' ? key : `${prefix}.${key}`
    const type = typeof value.type === 'string' ? value.type : 'object'
    if (isRecord(value.properties)) {
      if (type === 'nested') addType(into.fields, path, 'nested')
      walkProperties(value.properties, path, into)
      continue
    }
    if (type === 'object') continue
    if (type === 'alias') {
      addType(into.fields, path, `alias:${String(value.path)}`)
      continue
    }
    addType(into.fields, path, type)
    if (value.index === false) into.unindexed.add(path)
    if (value.doc_values === false) into.noDocValues.add(path)
    if (type === 'flattened') into.flattenedRoots.add(path)
    if (isRecord(value.fields)) {
      for (const [sub, subMapping] of Object.entries(value.fields)) {
        if (isRecord(subMapping) && typeof subMapping.type === 'string') {
          addType(into.fields, `${path}.${sub}`, subMapping.type)
        }
      }
    }
  }
}

/**
 * Flattens one `mappings` object (`properties`, `runtime`, `dynamic_templates`).
 * @example flattenMappings('x', { properties: { host: { properties: { name: { type: 'keyword' } } } } }).fields
 * // Map { 'host.name' => Set { 'keyword' } }
 */
export function flattenMappings(name: string, mappings: unknown): ComponentFields {
  const into = emptyComponent(name)
  if (!isRecord(mappings)) return into
  if (isRecord(mappings.properties)) walkProperties(mappings.properties, '', into)
  if (isRecord(mappings.runtime)) {
    for (const [path, value] of Object.entries(mappings.runtime)) {
      if (isRecord(value) && typeof value.type === 'string') addType(into.fields, path, value.type)
    }
  }
  if (Array.isArray(mappings.dynamic_templates)) {
    for (const entry of mappings.dynamic_templates) {
      if (!isRecord(entry)) continue
      for (const body of Object.values(entry)) {
        if (!isRecord(body) || !isRecord(body.mapping)) continue
        const type = typeof body.mapping.type === 'string' ? body.mapping.type : 'keyword'
        const globs = [body.path_match].flat().filter((g): g is string => typeof g === 'string')
        for (const glob of globs) into.dynamicPaths.push({ glob, type })
      }
    }
  }
  return into
}

function unwrap(content: unknown, key: string): Record<string, unknown> | undefined {
  if (!isRecord(content)) return undefined
  return isRecord(content[key]) ? content[key] : content
}

/**
 * Reads every `*.json` under `dir` (`component/`, `index/`, ...): files with `index_patterns` are index templates, files with
 * `template.mappings` and no patterns are component templates (named by `name`, else by the file
 * name without `.json`); anything else (an ILM policy) is ignored.
 */
export async function readTemplates(dir: string): Promise<TemplateSet> {
  let names: string[] = []
  try {
    names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.json')).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const set: TemplateSet = { components: new Map(), indexTemplates: [] }
  for (const file of names) {
    const content: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'))
    const name =
      isRecord(content) && typeof content.name === 'string' ? content.name : basename(file, '.json')
    const index = unwrap(content, 'index_template')
    if (index !== undefined && Array.isArray(index.index_patterns)) {
      const template = isRecord(index.template) ? index.template : {}
      set.indexTemplates.push({
        name,
        indexPatterns: index.index_patterns.filter((p): p is string => typeof p === 'string'),
        composedOf: Array.isArray(index.composed_of)
          ? index.composed_of.filter((c): c is string => typeof c === 'string')
          : [],
        own: flattenMappings(name, template.mappings),
      })
      continue
    }
    const component = unwrap(content, 'component_template')
    if (component !== undefined && isRecord(component.template)) {
      set.components.set(name, flattenMappings(name, component.template.mappings))
    }
  }
  return set
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`)
}

/** Whether some data stream name matches both the data view's pattern and the template's. */
function overlaps(dataViewTitle: string, templatePattern: string): boolean {
  const sample = templatePattern.replaceAll('*', 'default')
  const viewSample = dataViewTitle.replaceAll('*', 'default')
  return globToRegExp(dataViewTitle).test(sample) || globToRegExp(templatePattern).test(viewSample)
}

/** Index templates whose patterns cover (part of) a data view's pattern. */
export function templatesFor(set: TemplateSet, dataViewTitle: string): IndexTemplate[] {
  return set.indexTemplates.filter((t) => t.indexPatterns.some((p) => overlaps(dataViewTitle, p)))
}

/** Component templates an index template composes that neither exist here nor are built in. */
export function missingComponents(set: TemplateSet): string[] {
  const missing = new Set<string>()
  for (const template of set.indexTemplates) {
    for (const name of template.composedOf) {
      if (!set.components.has(name) && !isBuiltIn(name)) missing.add(`${name} (composed by ${template.name})`)
    }
  }
  return [...missing]
}

/** Looks fields up in the union of the mappings behind a data view. */
export class DataViewFields {
  readonly #parts: ComponentFields[]

  constructor(parts: ComponentFields[]) {
    this.#parts = parts
  }

  /** The fields of every index template covering `dataViewTitle`. */
  static for(set: TemplateSet, dataViewTitle: string): DataViewFields {
    const parts: ComponentFields[] = []
    for (const template of templatesFor(set, dataViewTitle)) {
      parts.push(template.own)
      for (const name of template.composedOf) {
        const component = set.components.get(name)
        if (component !== undefined) parts.push(component)
        else if (Object.hasOwn(BUILT_IN_COMPONENTS, name)) {
          const builtIn = emptyComponent(name)
          for (const [field, type] of Object.entries(BUILT_IN_COMPONENTS[name] ?? {})) {
            addType(builtIn.fields, field, type)
          }
          parts.push(builtIn)
        }
      }
    }
    return new DataViewFields(parts)
  }

  /**
   * The types `field` may have, or an empty set when no mapping covers it. Aliases resolve to their
   * target; sub-paths of a `flattened` root are `keyword`, as Elasticsearch queries them.
   */
  typesOf(field: string, seen = new Set<string>()): Set<string> {
    const types = new Set<string>()
    for (const part of this.#parts) {
      for (const type of part.fields.get(field) ?? []) {
        if (type.startsWith('alias:')) {
          const target = type.slice('alias:'.length)
          if (!seen.has(target)) for (const t of this.typesOf(target, new Set([...seen, field]))) types.add(t)
        } else types.add(type)
      }
      for (const root of part.flattenedRoots) if (field.startsWith(`${root}.`)) types.add('keyword')
      for (const { glob, type } of part.dynamicPaths) if (globToRegExp(glob).test(field)) types.add(type)
    }
    return types
  }

  /** False when some mapping of `field` has `index: false` (queries on it fail). */
  isSearchable(field: string): boolean {
    return this.#parts.every((part) => !part.unindexed.has(field))
  }

  /** False when some mapping of `field` has `doc_values: false` (no sort, no aggregation). */
  hasDocValues(field: string): boolean {
    return this.#parts.every((part) => !part.noDocValues.has(field))
  }
}
