/** @module Sentinel's Lens charts. */
import { lensXy } from '../build/lens.js'
import { ALL_LOGS, SNMP_TRAPS } from './data-views.js'
import { shippedAnomalyObjects } from './anomalies.js'

export const EVENTS_BY_SOURCE = lensXy({
  id: 'sentinel-lens-events-by-source',
  title: 'Sentinel: events over time by source',
  description: 'Event volume per listener (sentinel.source_id).',
  dataView: ALL_LOGS,
  seriesType: 'bar_stacked',
  x: { time: true },
  metric: { count: true },
  breakdown: { field: 'sentinel.source_id', size: 10 },
})

export const EVENTS_BY_SEVERITY = lensXy({
  id: 'sentinel-lens-events-by-severity',
  title: 'Sentinel: events over time by severity',
  description: 'Event volume per syslog severity.',
  dataView: ALL_LOGS,
  seriesType: 'bar_stacked',
  x: { time: true },
  metric: { count: true },
  breakdown: { field: 'log.syslog.severity.name', size: 8 },
})

export const TOP_TALKERS = lensXy({
  id: 'sentinel-lens-top-talkers',
  title: 'Sentinel: top talkers',
  description: 'Source addresses with the most events.',
  dataView: ALL_LOGS,
  query: 'source.ip: *',
  seriesType: 'bar_horizontal_stacked',
  x: { terms: { field: 'source.ip', size: 10 } },
  metric: { count: true },
})

export const TRAPS_OVER_TIME = lensXy({
  id: 'sentinel-lens-traps-over-time',
  title: 'Sentinel: SNMP traps over time',
  description: 'Traps received per interval, by trap.',
  dataView: SNMP_TRAPS,
  seriesType: 'bar_stacked',
  x: { time: true },
  metric: { count: true },
  breakdown: { field: 'event.action', size: 10 },
})

export const INTERFACE_EVENTS = lensXy({
  id: 'sentinel-lens-interface-events',
  title: 'Sentinel: interface events by device',
  description: 'linkDown and linkUp traps per device.',
  dataView: SNMP_TRAPS,
  query: 'event.action: ("linkDown" or "linkUp")',
  seriesType: 'bar_horizontal_stacked',
  x: { terms: { field: 'host.name', size: 20 } },
  metric: { count: true },
  breakdown: { field: 'event.action', size: 2 },
})

export const DEVICE_ERRORS = lensXy({
  id: 'sentinel-lens-device-errors',
  title: 'Sentinel: errors by device',
  description: 'Events at level error or worse (error, critical, alert, emergency) per device.',
  dataView: ALL_LOGS,
  query: 'log.level: ("error" or "critical" or "alert" or "emergency")',
  seriesType: 'bar_horizontal_stacked',
  x: { terms: { field: 'host.name', size: 20 } },
  metric: { count: true },
  breakdown: { field: 'log.level', size: 4 },
})

const timeline = shippedAnomalyObjects().timeline

export const VISUALIZATIONS = [
  EVENTS_BY_SOURCE,
  EVENTS_BY_SEVERITY,
  TOP_TALKERS,
  ...(timeline !== undefined ? [timeline] : []),
  TRAPS_OVER_TIME,
  INTERFACE_EVENTS,
  DEVICE_ERRORS,
]
