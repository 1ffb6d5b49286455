/** @module Data views (`index-pattern` saved objects) over Sentinel's data streams. */
import { savedObject } from '../saved-object.js'
import type { SavedObject } from '../saved-object.js'

/** What differs between Sentinel's data views. */
export interface DataViewSpec {
  id: string
  /** The index pattern, e.g. `logs-sentinel.syslog-*`. */
  title: string
  /** Display name in Kibana's data view picker. */
  name: string
  /** Defaults to `@timestamp`, which every Sentinel data stream carries. */
  timeFieldName?: string
}

/**
 * A data view; field lists are left empty (`fields: "[]"`) so Kibana reads them from the mappings.
 * @example dataView({ id: 'sentinel-logs-syslog', title: 'logs-sentinel.syslog-*', name: 'Sentinel syslog' })
 */
export function dataView(spec: DataViewSpec): SavedObject {
  return savedObject('index-pattern', spec.id, {
    title: spec.title,
    name: spec.name,
    timeFieldName: spec.timeFieldName ?? '@timestamp',
    allowHidden: false,
    fieldAttrs: '{}',
    fieldFormatMap: '{}',
    fields: '[]',
    runtimeFieldMap: '{}',
    sourceFilters: '[]',
    typeMeta: '{}',
  })
}
