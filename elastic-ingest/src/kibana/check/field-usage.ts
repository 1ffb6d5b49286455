/**
 * @module Which fields each saved object uses and what it needs of them: KQL queries (searches,
 * Lens charts, Lens column filters), Discover columns and sort, Lens source fields and breakdowns.
 */
import { SEARCH_SOURCE_INDEX_REF } from '../build/saved-search.js'
import { layerReferenceName } from '../build/lens.js'
import type { SavedObject } from '../saved-object.js'
import { kqlFields } from './kql-fields.js'

/** What a use asks of a field's mapping. */
export type FieldNeed = 'mapped' | 'aggregatable' | 'numeric' | 'date' | 'range'

/** One field one saved object uses, on one data view. */
export interface FieldUse {
  objectId: string
  /** The data view (`index-pattern` id) the field is looked up in. */
  dataViewId: string
  field: string
  need: FieldNeed
  /** Where in the object, for messages (`query`, `columns`, `layer data column y`). */
  where: string
}

const NUMERIC = [
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'unsigned_long',
]
const DATE = ['date', 'date_nanos']

/** Mapping types that satisfy each need. `mapped` takes any type. */
export const TYPES_FOR_NEED: Readonly<Record<Exclude<FieldNeed, 'mapped'>, ReadonlySet<string>>> = {
  numeric: new Set(NUMERIC),
  date: new Set(DATE),
  range: new Set([...NUMERIC, ...DATE, 'ip']),
  aggregatable: new Set([
    ...NUMERIC,
    ...DATE,
    'keyword',
    'constant_keyword',
    'wildcard',
    'ip',
    'boolean',
    'version',
    'flattened',
  ]),
}

/** Lens operations and what they need of their source field. */
const LENS_NEEDS: Readonly<Record<string, FieldNeed>> = {
  date_histogram: 'date',
  terms: 'aggregatable',
  max: 'numeric',
  min: 'numeric',
  average: 'numeric',
  sum: 'numeric',
  median: 'numeric',
  unique_count: 'aggregatable',
  last_value: 'mapped',
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function queryUses(objectId: string, dataViewId: string, query: unknown, where: string): FieldUse[] {
  if (!isRecord(query) || typeof query.query !== 'string') return []
  return kqlFields(query.query).map((use) => ({
    objectId,
    dataViewId,
    field: use.field,
    need: use.operator === ':' ? 'mapped' : 'range',
    where,
  }))
}

function referenceId(object: SavedObject, name: string): string | undefined {
  return object.references.find((r) => r.name === name)?.id
}

function searchUses(object: SavedObject): FieldUse[] {
  const dataViewId = referenceId(object, SEARCH_SOURCE_INDEX_REF)
  if (dataViewId === undefined) return []
  const meta = object.attributes.kibanaSavedObjectMeta
  const source: unknown =
    isRecord(meta) && typeof meta.searchSourceJSON === 'string' ? JSON.parse(meta.searchSourceJSON) : {}
  const uses = isRecord(source) ? queryUses(object.id, dataViewId, source.query, 'query') : []
  const columns = object.attributes.columns
  if (Array.isArray(columns)) {
    for (const field of columns) {
      if (typeof field === 'string')
        uses.push({ objectId: object.id, dataViewId, field, need: 'mapped', where: 'columns' })
    }
  }
  const sort = object.attributes.sort
  if (Array.isArray(sort)) {
    for (const entry of sort) {
      const field: unknown = Array.isArray(entry) ? entry[0] : undefined
      if (typeof field === 'string')
        uses.push({ objectId: object.id, dataViewId, field, need: 'aggregatable', where: 'sort' })
    }
  }
  return uses
}

function lensUses(object: SavedObject): FieldUse[] {
  const state = object.attributes.state
  if (!isRecord(state) || !isRecord(state.datasourceStates)) return []
  const formBased = state.datasourceStates.formBased
  if (!isRecord(formBased) || !isRecord(formBased.layers)) return []
  const uses: FieldUse[] = []
  const layerViews = new Set<string>()
  for (const [layerId, layer] of Object.entries(formBased.layers)) {
    const dataViewId = referenceId(object, layerReferenceName(layerId))
    if (dataViewId === undefined || !isRecord(layer) || !isRecord(layer.columns)) continue
    for (const [columnId, column] of Object.entries(layer.columns)) {
      if (!isRecord(column)) continue
      const where = `layer ${layerId} column ${columnId}`
      const operation = typeof column.operationType === 'string' ? column.operationType : ''
      const field = column.sourceField
      if (typeof field === 'string' && field !== '___records___') {
        uses.push({ objectId: object.id, dataViewId, field, need: LENS_NEEDS[operation] ?? 'mapped', where })
      }
      uses.push(...queryUses(object.id, dataViewId, column.filter, `${where} filter`))
      if (operation !== 'static_value') layerViews.add(dataViewId)
    }
  }
  for (const dataViewId of layerViews) uses.push(...queryUses(object.id, dataViewId, state.query, 'query'))
  return uses
}

/**
 * Every field use in `objects`. Data views and dashboards use no fields of their own.
 * @example fieldUses(SENTINEL_SAVED_OBJECTS).filter((u) => u.need === 'range')
 */
export function fieldUses(objects: readonly SavedObject[]): FieldUse[] {
  return objects.flatMap((object) => {
    if (object.type === 'search') return searchUses(object)
    if (object.type === 'lens') return lensUses(object)
    return []
  })
}
