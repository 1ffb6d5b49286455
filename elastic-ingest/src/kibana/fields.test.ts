/**
 * Every field a saved object uses exists, with a usable type, in the index templates generated into
 * `elastic-ingest/templates/*.json` for the data view it runs on.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { fieldUses, TYPES_FOR_NEED } from './check/field-usage.js'
import type { FieldUse } from './check/field-usage.js'
import { DataViewFields, missingComponents, readTemplates, templatesFor } from './check/template-fields.js'
import type { TemplateSet } from './check/template-fields.js'
import { ANOMALY_SCORE_FIELD, ANOMALY_SCORE_MAPPED } from './objects/anomalies.js'
import { ALL_LOGS, DATA_VIEWS } from './objects/data-views.js'
import { SENTINEL_SAVED_OBJECTS } from './objects/index.js'

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url))
const EXPECTED_COMPONENTS = ['sentinel-ecs@mappings', 'sentinel@mappings']

function title(dataViewId: string): string {
  const view = DATA_VIEWS.find((v) => v.id === dataViewId)
  assert.ok(view !== undefined, `data view ${dataViewId} is one of Sentinel's`)
  return String(view.attributes.title)
}

/** Why `use` cannot work against `fields`, or undefined when it can. */
function problemWith(use: FieldUse, fields: DataViewFields): string | undefined {
  const at = `${use.objectId} uses ${use.field} (${use.where}) on ${title(use.dataViewId)}`
  const types = fields.typesOf(use.field)
  if (types.size === 0) return `${at}, which no template maps`
  const needs = use.need === 'mapped' ? undefined : TYPES_FOR_NEED[use.need]
  const wrong = needs !== undefined ? [...types].filter((t) => !needs.has(t)) : []
  if (wrong.length > 0) return `${at} as ${use.need}, but it is mapped as ${wrong.join(', ')}`
  if ((use.where === 'query' || use.where.endsWith('filter')) && !fields.isSearchable(use.field)) {
    return `${at} in a query, but it is mapped with index: false`
  }
  if (
    (use.need === 'aggregatable' || use.need === 'numeric' || use.need === 'date') &&
    !fields.hasDocValues(use.field)
  ) {
    return `${at} to sort or aggregate, but it is mapped with doc_values: false`
  }
  return undefined
}

async function templates(): Promise<TemplateSet> {
  const set = await readTemplates(TEMPLATES_DIR)
  const missing = [
    ...EXPECTED_COMPONENTS.filter((name) => !set.components.has(name)).map(
      (name) => `${name}.json (component template)`,
    ),
    ...DATA_VIEWS.filter((v) => templatesFor(set, String(v.attributes.title)).length === 0).map(
      (v) => `an index template for ${String(v.attributes.title)}`,
    ),
    ...missingComponents(set),
  ]
  assert.deepEqual(missing, [], `missing in ${TEMPLATES_DIR} (run npm run generate): ${missing.join('; ')}`)
  return set
}

test('the generated index templates exist for every data view, with the components they compose', async () => {
  await templates()
})

test('every field a saved object queries, shows, sorts or charts is mapped with a usable type', async () => {
  const set = await templates()
  const fieldsByView = new Map(
    DATA_VIEWS.map((v) => [v.id, DataViewFields.for(set, String(v.attributes.title))]),
  )
  const uses = fieldUses(SENTINEL_SAVED_OBJECTS)
  assert.ok(uses.length > 0)
  const problems = uses.flatMap((use) => {
    const fields = fieldsByView.get(use.dataViewId)
    assert.ok(fields !== undefined, `${use.objectId}: data view ${use.dataViewId} is one of Sentinel's`)
    return problemWith(use, fields) ?? []
  })
  assert.deepEqual(problems, [])
})

test('the anomaly objects ship exactly when the templates map sentinel.anomaly.score as a number', async () => {
  const fields = DataViewFields.for(await templates(), String(ALL_LOGS.attributes.title))
  const types = [...fields.typesOf(ANOMALY_SCORE_FIELD)]
  const numeric = types.length > 0 && types.every((t) => TYPES_FOR_NEED.numeric.has(t))
  assert.equal(
    numeric,
    ANOMALY_SCORE_MAPPED,
    numeric
      ? `${ANOMALY_SCORE_FIELD} is now mapped (${types.join(', ')}): set ANOMALY_SCORE_MAPPED = true in objects/anomalies.ts and run npm run generate`
      : `ANOMALY_SCORE_MAPPED is true but the templates map ${ANOMALY_SCORE_FIELD} as ${types.join(', ') || 'nothing'}`,
  )
})

test('the field check names the object, field and data view of an unmapped or mistyped field', () => {
  const fields = new DataViewFields([
    {
      name: 'x',
      fields: new Map([
        ['message', new Set(['match_only_text'])],
        ['event.original', new Set(['keyword'])],
      ]),
      flattenedRoots: new Set(),
      dynamicPaths: [],
      unindexed: new Set(['event.original']),
      noDocValues: new Set(['event.original']),
    },
  ])
  const use = (field: string, need: FieldUse['need'], where = 'columns'): FieldUse => ({
    objectId: 'sentinel-x',
    dataViewId: ALL_LOGS.id,
    field,
    need,
    where,
  })
  assert.equal(
    problemWith(use('host.name', 'mapped'), fields),
    'sentinel-x uses host.name (columns) on logs-sentinel.*, which no template maps',
  )
  assert.match(
    String(problemWith(use('message', 'aggregatable', 'sort'), fields)),
    /as aggregatable, but it is mapped as match_only_text/,
  )
  assert.match(String(problemWith(use('event.original', 'mapped', 'query'), fields)), /index: false/)
  assert.equal(problemWith(use('event.original', 'mapped'), fields), undefined)
})
