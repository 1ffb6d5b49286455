/**
 * @module Kibana saved objects in the 8.x export format, and rendering them as the NDJSON file that
 * the saved-objects import API (and Stack Management > Saved objects > Import) accepts.
 */

/** The saved-object types Sentinel ships. */
export type SavedObjectType = 'index-pattern' | 'search' | 'lens' | 'dashboard'

/** A link from one saved object to another; `name` is how the owner's attributes refer to it. */
export interface SavedObjectReference {
  name: string
  type: string
  id: string
}

/** One line of an export file. */
export interface SavedObject {
  type: SavedObjectType
  /** Stable across releases, so a re-import updates instead of duplicating. */
  id: string
  attributes: Record<string, unknown>
  references: SavedObjectReference[]
  coreMigrationVersion: string
  typeMigrationVersion: string
  managed: false
}

/**
 * Core migration version of every object a Kibana 8.8-8.19 export carries (it stopped moving when
 * types switched to model versions).
 */
export const CORE_MIGRATION_VERSION = '8.8.0'

/**
 * `typeMigrationVersion` a Kibana 8.19 export writes per type. Types on model versions write
 * `10.<model version>.0`: search is at model version 5, dashboard at 3 (collapsible sections,
 * 8.19/9.1); lens and index-pattern still use legacy migrations.
 */
export const TYPE_MIGRATION_VERSIONS: Readonly<Record<SavedObjectType, string>> = {
  'index-pattern': '8.0.0',
  search: '10.5.0',
  lens: '8.9.0',
  dashboard: '10.3.0',
}

/** A saved object of `type` with the migration versions filled in. */
export function savedObject(
  type: SavedObjectType,
  id: string,
  attributes: Record<string, unknown>,
  references: SavedObjectReference[] = [],
): SavedObject {
  return {
    type,
    id,
    attributes,
    references,
    coreMigrationVersion: CORE_MIGRATION_VERSION,
    typeMigrationVersion: TYPE_MIGRATION_VERSIONS[type],
    managed: false,
  }
}

/**
 * NDJSON, one object per line with its top-level keys in the order Kibana's export writes them
 * (alphabetical), ending with a newline.
 * @example renderNdjson([dataView({ id: 'x', title: 'logs-*', name: 'Logs' })])
 */
export function renderNdjson(objects: readonly SavedObject[]): string {
  return objects
    .map((o) =>
      JSON.stringify({
        attributes: o.attributes,
        coreMigrationVersion: o.coreMigrationVersion,
        id: o.id,
        managed: o.managed,
        references: o.references,
        type: o.type,
        typeMigrationVersion: o.typeMigrationVersion,
      }),
    )
    .map((line) => `${line}\n`)
    .join('')
}
