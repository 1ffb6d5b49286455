/**
 * Structure of the committed export file `elastic-ingest/kibana/sentinel.ndjson`: what Kibana 8.19's
 * import needs of each type, and a reference graph with nothing dangling or unused.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { GRID_COLUMNS } from './build/dashboard.js'
import { layerReferenceName } from './build/lens.js'
import { SEARCH_SOURCE_INDEX_REF } from './build/saved-search.js'
import { kqlFields } from './check/kql-fields.js'
import { ANOMALIES, ANOMALY_SCORE_MAPPED, ANOMALY_TIMELINE } from './objects/anomalies.js'
import { renderSavedObjects } from './objects/index.js'
import { CORE_MIGRATION_VERSION, TYPE_MIGRATION_VERSIONS } from './saved-object.js'
import type { SavedObjectType } from './saved-object.js'

type Json = Record<string, unknown>

interface Line {
  type: SavedObjectType
  id: string
  attributes: Json
  references: Array<{ name: string; type: string; id: string }>
}

const FILE = new URL('../../kibana/sentinel.ndjson', import.meta.url)
const TOP_LEVEL_KEYS = [
  'attributes',
  'coreMigrationVersion',
  'id',
  'managed',
  'references',
  'type',
  'typeMigrationVersion',
]

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function record(value: unknown, what: string): Json {
  assert.ok(isRecord(value), `${what} is an object`)
  return value
}

function string(value: unknown, what: string): string {
  assert.equal(typeof value, 'string', `${what} is a string`)
  return String(value)
}

/** A JSON-in-string attribute, parsed. */
function jsonString(value: unknown, what: string): unknown {
  const text = string(value, what)
  try {
    return JSON.parse(text)
  } catch (error) {
    assert.fail(`${what} is not JSON: ${String(error)}`)
  }
}

function kql(query: unknown, what: string): void {
  const q = record(query, what)
  assert.equal(q.language, 'kuery', `${what}.language`)
  assert.doesNotThrow(() => kqlFields(string(q.query, `${what}.query`)), `${what} is valid KQL`)
}

async function exportFile(): Promise<Line[]> {
  const text = await readFile(FILE, 'utf8')
  assert.ok(text.endsWith('\n'), 'the file ends with a newline')
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, n) => {
      const o = record(JSON.parse(line), `line ${n + 1}`)
      assert.deepEqual(Object.keys(o).sort(), TOP_LEVEL_KEYS, `line ${n + 1} has the export keys`)
      const type = string(o.type, `line ${n + 1} type`)
      assert.ok(
        Object.hasOwn(TYPE_MIGRATION_VERSIONS, type),
        `line ${n + 1}: ${type} is a type Sentinel ships`,
      )
      return o as unknown as Line
    })
}

function checkDataView(o: Line): void {
  const a = o.attributes
  for (const key of ['title', 'name', 'timeFieldName']) string(a[key], `${o.id} ${key}`)
  assert.equal(a.timeFieldName, '@timestamp')
  for (const key of ['fieldAttrs', 'fieldFormatMap', 'runtimeFieldMap', 'typeMeta']) {
    record(jsonString(a[key], `${o.id} ${key}`), `${o.id} ${key}`)
  }
  for (const key of ['fields', 'sourceFilters']) {
    assert.ok(Array.isArray(jsonString(a[key], `${o.id} ${key}`)), `${o.id} ${key} is a JSON array`)
  }
  assert.deepEqual(o.references, [], `${o.id}: a data view refers to nothing`)
}

/** Checks a search and returns the reference names it uses. */
function checkSearch(o: Line): string[] {
  const a = o.attributes
  string(a.title, `${o.id} title`)
  string(a.description, `${o.id} description`)
  assert.ok(Array.isArray(a.columns) && a.columns.length > 0, `${o.id} has columns`)
  for (const c of a.columns) string(c, `${o.id} column`)
  assert.ok(Array.isArray(a.sort), `${o.id} sort is an array`)
  for (const s of a.sort) {
    assert.ok(
      Array.isArray(s) && s.length === 2 && typeof s[0] === 'string' && ['asc', 'desc'].includes(s[1]),
      `${o.id} sort entry ${JSON.stringify(s)}`,
    )
  }
  const meta = record(a.kibanaSavedObjectMeta, `${o.id} kibanaSavedObjectMeta`)
  const source = record(
    jsonString(meta.searchSourceJSON, `${o.id} searchSourceJSON`),
    `${o.id} search source`,
  )
  kql(source.query, `${o.id} query`)
  assert.ok(Array.isArray(source.filter), `${o.id} filter is an array`)
  assert.equal(source.indexRefName, SEARCH_SOURCE_INDEX_REF, `${o.id} names its data view by reference`)
  assert.equal(source.index, undefined, `${o.id} has no inline data view id`)
  const ref = o.references.find((r) => r.name === SEARCH_SOURCE_INDEX_REF)
  assert.equal(ref?.type, 'index-pattern', `${o.id} data view reference`)
  return [SEARCH_SOURCE_INDEX_REF]
}

function checkLens(o: Line): string[] {
  const a = o.attributes
  string(a.title, `${o.id} title`)
  assert.equal(a.visualizationType, 'lnsXY')
  const state = record(a.state, `${o.id} state`)
  kql(state.query, `${o.id} query`)
  assert.ok(Array.isArray(state.filters), `${o.id} filters`)
  const datasources = record(state.datasourceStates, `${o.id} datasourceStates`)
  const layers = record(record(datasources.formBased, `${o.id} formBased`).layers, `${o.id} layers`)
  assert.ok(Object.keys(layers).length > 0, `${o.id} has a form-based layer`)
  const used: string[] = []
  for (const [layerId, value] of Object.entries(layers)) {
    const layer = record(value, `${o.id} layer ${layerId}`)
    const columns = record(layer.columns, `${o.id} layer ${layerId} columns`)
    assert.deepEqual(
      [...(layer.columnOrder as string[])].sort(),
      Object.keys(columns).sort(),
      `${o.id} columnOrder lists every column`,
    )
    for (const [columnId, c] of Object.entries(columns)) {
      const column = record(c, `${o.id} column ${columnId}`)
      string(column.operationType, `${o.id} column ${columnId} operationType`)
      assert.equal(typeof column.isBucketed, 'boolean', `${o.id} column ${columnId} isBucketed`)
      const params = isRecord(column.params) ? column.params : {}
      if (isRecord(params.orderBy) && params.orderBy.type === 'column') {
        assert.ok(
          Object.hasOwn(columns, String(params.orderBy.columnId)),
          `${o.id} column ${columnId} orders by a column of its layer`,
        )
      }
    }
    const name = layerReferenceName(layerId)
    assert.equal(
      o.references.find((r) => r.name === name)?.type,
      'index-pattern',
      `${o.id} layer ${layerId} has a data view reference`,
    )
    used.push(name)
  }
  const visualization = record(state.visualization, `${o.id} visualization`)
  assert.ok(Array.isArray(visualization.layers), `${o.id} visualization layers`)
  assert.deepEqual(
    visualization.layers.map((l: Json) => l.layerId).sort(),
    Object.keys(layers).sort(),
    `${o.id}: each datasource layer is drawn exactly once`,
  )
  for (const l of visualization.layers as Json[]) {
    const columns = record(record(layers[String(l.layerId)], 'layer').columns, 'columns')
    const accessors = [...(l.accessors as string[]), l.xAccessor, l.splitAccessor].filter(
      (x) => x !== undefined,
    )
    for (const accessor of accessors)
      assert.ok(Object.hasOwn(columns, String(accessor)), `${o.id} accessor ${String(accessor)} is a column`)
  }
  return used
}

function checkDashboard(o: Line): string[] {
  const a = o.attributes
  string(a.title, `${o.id} title`)
  record(jsonString(a.optionsJSON, `${o.id} optionsJSON`), `${o.id} options`)
  const source = record(
    jsonString(record(a.kibanaSavedObjectMeta, 'meta').searchSourceJSON, `${o.id} searchSourceJSON`),
    'source',
  )
  kql(source.query, `${o.id} query`)
  assert.equal(a.timeRestore, true)
  string(a.timeFrom, `${o.id} timeFrom`)
  const panels = jsonString(a.panelsJSON, `${o.id} panelsJSON`)
  assert.ok(Array.isArray(panels) && panels.length > 0, `${o.id} has panels`)
  const used: string[] = []
  const cells = new Set<string>()
  const indexes = new Set<string>()
  for (const p of panels) {
    const panel = record(p, `${o.id} panel`)
    const index = string(panel.panelIndex, `${o.id} panelIndex`)
    assert.ok(!indexes.has(index), `${o.id} panelIndex ${index} is unique`)
    indexes.add(index)
    const grid = record(panel.gridData, `${o.id} panel ${index} gridData`)
    assert.equal(grid.i, index, `${o.id} panel ${index}: gridData.i is the panelIndex`)
    const [x, y, w, h] = [grid.x, grid.y, grid.w, grid.h].map((n) => {
      assert.ok(
        Number.isInteger(n) && Number(n) >= 0,
        `${o.id} panel ${index} grid numbers are non-negative integers`,
      )
      return Number(n)
    }) as [number, number, number, number]
    assert.ok(
      w > 0 && h > 0 && x + w <= GRID_COLUMNS,
      `${o.id} panel ${index} fits the ${GRID_COLUMNS}-column grid`,
    )
    for (let cx = x; cx < x + w; cx++) {
      for (let cy = y; cy < y + h; cy++) {
        assert.ok(!cells.has(`${cx},${cy}`), `${o.id} panel ${index} overlaps another panel at ${cx},${cy}`)
        cells.add(`${cx},${cy}`)
      }
    }
    const refName = `${index}:${string(panel.panelRefName, `${o.id} panel ${index} panelRefName`)}`
    const matching = o.references.filter((r) => r.name === refName)
    assert.equal(matching.length, 1, `${o.id} panel ${index} has exactly one reference ${refName}`)
    assert.equal(matching[0]?.type, panel.type, `${o.id} panel ${index}: reference type is the panel type`)
    used.push(refName)
  }
  return used
}

test('the committed export renders from the object definitions', async () => {
  assert.equal(await readFile(FILE, 'utf8'), renderSavedObjects())
})

test('every object has the export keys, a stable unique sentinel- id and Kibana 8.19 migration versions', async () => {
  const objects = await exportFile()
  const ids = new Set<string>()
  for (const o of objects) {
    assert.match(o.id, /^sentinel-[a-z0-9-]+$/)
    assert.ok(!ids.has(`${o.type}:${o.id}`), `${o.type} ${o.id} appears once`)
    ids.add(`${o.type}:${o.id}`)
    const line = o as unknown as Json
    assert.equal(line.managed, false)
    assert.equal(line.coreMigrationVersion, CORE_MIGRATION_VERSION)
    assert.equal(line.typeMigrationVersion, TYPE_MIGRATION_VERSIONS[o.type], `${o.id} typeMigrationVersion`)
    assert.match(String(line.typeMigrationVersion), /^\d+\.\d+\.\d+$/)
    assert.ok(Array.isArray(o.references))
    for (const r of o.references) {
      assert.deepEqual(Object.keys(r).sort(), ['id', 'name', 'type'], `${o.id} reference keys`)
    }
    assert.equal(
      new Set(o.references.map((r) => r.name)).size,
      o.references.length,
      `${o.id} reference names are unique`,
    )
  }
  // ids are unique across types too, so an id names one object in messages and URLs
  assert.equal(new Set(objects.map((o) => o.id)).size, objects.length)
})

test('the file holds the data views, searches, Lens charts and dashboards Sentinel documents (anomaly objects once the score is mapped)', async () => {
  const objects = await exportFile()
  const byType = (type: string) => objects.filter((o) => o.type === type)
  assert.deepEqual(
    byType('index-pattern').map((o) => o.attributes.title),
    [
      'logs-sentinel.*',
      'logs-sentinel.syslog-*',
      'logs-sentinel.snmp_trap-*',
      'metrics-sentinel.snmp-*',
      'logs-sentinel.alert-*',
      'logs-sentinel.deadletter-*',
    ],
  )
  const anomaly = (id: string) => (ANOMALY_SCORE_MAPPED ? [id] : [])
  assert.deepEqual(
    byType('search').map((o) => o.id),
    [
      'sentinel-search-auth-failures',
      'sentinel-search-firewall-denies',
      'sentinel-search-snmp-traps',
      ...anomaly('sentinel-search-anomalies'),
      'sentinel-search-alerts',
      'sentinel-search-parse-errors',
    ],
  )
  assert.deepEqual(
    byType('lens').map((o) => o.id),
    [
      'sentinel-lens-events-by-source',
      'sentinel-lens-events-by-severity',
      'sentinel-lens-top-talkers',
      ...anomaly('sentinel-lens-anomaly-timeline'),
      'sentinel-lens-traps-over-time',
      'sentinel-lens-interface-events',
      'sentinel-lens-device-errors',
    ],
  )
  assert.deepEqual(
    byType('dashboard').map((o) => o.attributes.title),
    ['Sentinel overview', 'Device health'],
  )
})

test('each type carries the attributes Kibana needs, JSON-in-string attributes parse and queries are KQL', async () => {
  for (const o of await exportFile()) {
    if (o.type === 'index-pattern') checkDataView(o)
    else if (o.type === 'search') checkSearch(o)
    else if (o.type === 'lens') checkLens(o)
    else checkDashboard(o)
  }
})

test('every reference resolves to an object earlier in the file and every reference is used', async () => {
  const objects = await exportFile()
  const seen = new Set<string>()
  for (const o of objects) {
    for (const r of o.references) {
      assert.ok(
        seen.has(`${r.type}:${r.id}`),
        `${o.id} -> ${r.type} ${r.id} (${r.name}) resolves to an object before it`,
      )
    }
    const used =
      o.type === 'search'
        ? checkSearch(o)
        : o.type === 'lens'
          ? checkLens(o)
          : o.type === 'dashboard'
            ? checkDashboard(o)
            : []
    assert.deepEqual(
      o.references.map((r) => r.name).sort(),
      [...used].sort(),
      `${o.id}: no unused references`,
    )
    seen.add(`${o.type}:${o.id}`)
  }
})

test('the structure checks catch a dangling dashboard panel and an unparsable panelsJSON', async () => {
  const dashboard = (await exportFile()).find((o) => o.type === 'dashboard')
  assert.ok(dashboard !== undefined)
  const withoutRef = { ...dashboard, references: dashboard.references.slice(1) }
  assert.throws(() => checkDashboard(withoutRef), /has exactly one reference 1:panel_1/)
  const broken = { ...dashboard, attributes: { ...dashboard.attributes, panelsJSON: '[{' } }
  assert.throws(() => checkDashboard(broken), /panelsJSON is not JSON/)
})

test('the anomaly search and timeline (shipped once the score is mapped) pass the same structure checks', () => {
  const search = ANOMALIES as unknown as Line
  const timeline = ANOMALY_TIMELINE as unknown as Line
  assert.deepEqual(
    checkSearch(search),
    search.references.map((r) => r.name),
  )
  assert.deepEqual(checkLens(timeline).sort(), timeline.references.map((r) => r.name).sort())
  assert.deepEqual(
    timeline.references.map((r) => r.id),
    ['sentinel-logs', 'sentinel-logs'],
    'the data layer and the threshold layer both use the all-logs data view',
  )
})
