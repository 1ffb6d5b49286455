/** @module Saved searches (Discover sessions): a KQL query over a data view, with columns. */
import { savedObject } from '../saved-object.js'
import type { SavedObject } from '../saved-object.js'

/** The reference name Kibana uses for a search source's data view. */
export const SEARCH_SOURCE_INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index'

/** What differs between Sentinel's saved searches. */
export interface SavedSearchSpec {
  id: string
  title: string
  description: string
  /** The data view the search runs on (an `index-pattern` saved object). */
  dataView: SavedObject
  /** KQL. */
  query: string
  /** Document fields shown as table columns. */
  columns: string[]
  /** Defaults to newest first. */
  sort?: Array<[field: string, direction: 'asc' | 'desc']>
}

/**
 * A saved search whose search source points at `spec.dataView` through a reference.
 * @example savedSearch({ id: 'x', title: 'Parse errors', description: '', dataView, query: 'event.kind: "pipeline_error"', columns: ['error.code'] })
 */
export function savedSearch(spec: SavedSearchSpec): SavedObject {
  const searchSource = {
    query: { query: spec.query, language: 'kuery' },
    filter: [],
    indexRefName: SEARCH_SOURCE_INDEX_REF,
  }
  return savedObject(
    'search',
    spec.id,
    {
      title: spec.title,
      description: spec.description,
      columns: spec.columns,
      sort: spec.sort ?? [['@timestamp', 'desc']],
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      timeRestore: false,
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(searchSource) },
    },
    [{ name: SEARCH_SOURCE_INDEX_REF, type: 'index-pattern', id: spec.dataView.id }],
  )
}
