/**
 * @module The committed JSON under `elastic-ingest/templates/` and `elastic-ingest/ilm/`, rendered
 * from code (`npm run generate` writes them; a stale copy fails the generated-files test).
 */
import { ilmPolicy, ILM_POLICY_NAME } from './ilm.js'
import { componentTemplates, indexTemplates } from './templates.js'

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/**
 * Every generated file by repository path, for `scripts/generated-files.ts`. The templates are
 * the full versions for a cluster with ILM and every ECS field type; `sentinel setup elastic`
 * adapts them to the cluster it talks to.
 *
 * @example renderElasticFiles()['elastic-ingest/ilm/sentinel-logs.json']()
 */
export function renderElasticFiles(): Record<string, () => string> {
  const files: Record<string, () => string> = {
    [`elastic-ingest/ilm/${ILM_POLICY_NAME}.json`]: () => json(ilmPolicy()),
  }
  for (const name of Object.keys(componentTemplates())) {
    files[`elastic-ingest/templates/component/${name}.json`] = () => json(componentTemplates()[name])
  }
  for (const name of Object.keys(indexTemplates())) {
    files[`elastic-ingest/templates/index/${name}.json`] = () => json(indexTemplates()[name])
  }
  return files
}
