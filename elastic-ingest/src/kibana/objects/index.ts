/**
 * @module Every saved object Sentinel ships, in import order (data views, then what refers to them),
 * and the NDJSON file they render to (`elastic-ingest/kibana/sentinel.ndjson`).
 */
import { renderNdjson } from '../saved-object.js'
import type { SavedObject } from '../saved-object.js'
import { DASHBOARDS } from './dashboards.js'
import { DATA_VIEWS } from './data-views.js'
import { SEARCHES } from './searches.js'
import { VISUALIZATIONS } from './visualizations.js'

/** Repository path of the committed export file. */
export const SAVED_OBJECTS_PATH = 'elastic-ingest/kibana/sentinel.ndjson'

/** All of Sentinel's saved objects. */
export const SENTINEL_SAVED_OBJECTS: readonly SavedObject[] = [
  ...DATA_VIEWS,
  ...SEARCHES,
  ...VISUALIZATIONS,
  ...DASHBOARDS,
]

/**
 * The export file's content.
 * @example await writeFile('sentinel.ndjson', renderSavedObjects())
 */
export function renderSavedObjects(): string {
  return renderNdjson(SENTINEL_SAVED_OBJECTS)
}
