/**
 * @module Dashboards: panels placed on Kibana's 48-column grid, each pointing at a saved
 * visualization or search through a `<panelIndex>:panel_<panelIndex>` reference (the names an 8.x
 * export writes; `panelRefName` is the part after the colon).
 */
import { savedObject } from '../saved-object.js'
import type { SavedObject, SavedObjectReference } from '../saved-object.js'

/** Kibana's dashboard grid is 48 columns wide. */
export const GRID_COLUMNS = 48

/** One panel: the saved object it shows and where. */
export interface PanelSpec {
  object: SavedObject
  x: number
  y: number
  w: number
  h: number
}

/** What differs between Sentinel's dashboards. */
export interface DashboardSpec {
  id: string
  title: string
  description: string
  panels: PanelSpec[]
  /** Time range restored when the dashboard opens; defaults to the last 24 hours. */
  timeFrom?: string
}

/**
 * A dashboard with `panelsJSON` and one reference per panel; panels are numbered from 1.
 * @example dashboard({ id: 'x', title: 'Overview', description: '', panels: [{ object: lens, x: 0, y: 0, w: 24, h: 15 }] })
 */
export function dashboard(spec: DashboardSpec): SavedObject {
  const references: SavedObjectReference[] = []
  const panels = spec.panels.map((panel, n) => {
    const panelIndex = String(n + 1)
    const panelRefName = `panel_${panelIndex}`
    references.push({ name: `${panelIndex}:${panelRefName}`, type: panel.object.type, id: panel.object.id })
    return {
      type: panel.object.type,
      gridData: { x: panel.x, y: panel.y, w: panel.w, h: panel.h, i: panelIndex },
      panelIndex,
      embeddableConfig: { enhancements: {} },
      panelRefName,
    }
  })
  return savedObject(
    'dashboard',
    spec.id,
    {
      title: spec.title,
      description: spec.description,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({
        useMargins: true,
        syncColors: false,
        syncCursor: true,
        syncTooltips: false,
        hidePanelTitles: false,
      }),
      timeRestore: true,
      timeFrom: spec.timeFrom ?? 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 60_000 },
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }),
      },
    },
    references,
  )
}
