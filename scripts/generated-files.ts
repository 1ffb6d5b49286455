/** @module The files generated from code, by repository path. */
import { configJsonSchema } from '../collector/src/config/json-schema.js'
import { renderConfigReference } from '../collector/src/config/reference.js'
import { renderErrorTable } from '../collector/src/errors/error-table.js'
import { renderElasticFiles } from '../elastic-ingest/src/elastic/render.js'
import { renderSavedObjects } from '../elastic-ingest/src/kibana/objects/index.js'

export const GENERATED_FILES: Record<string, () => string> = {
  'collector/config/sentinel.schema.json': () => `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
  'docs/configuration.md': renderConfigReference,
  'docs/errors.md': renderErrorTable,
  'elastic-ingest/kibana/sentinel.ndjson': renderSavedObjects,
  ...renderElasticFiles(),
}
