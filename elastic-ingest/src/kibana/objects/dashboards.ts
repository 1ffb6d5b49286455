/** @module Sentinel's dashboards. */
import { dashboard } from '../build/dashboard.js'
import { PARSE_ERRORS, SNMP_TRAP_SEARCH } from './searches.js'
import { shippedAnomalyObjects } from './anomalies.js'
import {
  DEVICE_ERRORS,
  EVENTS_BY_SEVERITY,
  EVENTS_BY_SOURCE,
  INTERFACE_EVENTS,
  TOP_TALKERS,
  TRAPS_OVER_TIME,
} from './visualizations.js'

const anomalyTimeline = shippedAnomalyObjects().timeline

/** Volume, talkers, anomalies (once the score is mapped) and parse errors. */
export const OVERVIEW = dashboard({
  id: 'sentinel-dashboard-overview',
  title: 'Sentinel overview',
  description: `Event volume by source and severity, top talkers, ${anomalyTimeline !== undefined ? 'anomalies ' : ''}and parse errors.`,
  panels: [
    { object: EVENTS_BY_SOURCE, x: 0, y: 0, w: 24, h: 15 },
    { object: EVENTS_BY_SEVERITY, x: 24, y: 0, w: 24, h: 15 },
    ...(anomalyTimeline !== undefined
      ? [
          { object: TOP_TALKERS, x: 0, y: 15, w: 16, h: 15 },
          { object: anomalyTimeline, x: 16, y: 15, w: 32, h: 15 },
        ]
      : [{ object: TOP_TALKERS, x: 0, y: 15, w: 48, h: 15 }]),
    { object: PARSE_ERRORS, x: 0, y: 30, w: 48, h: 15 },
  ],
})

export const DEVICE_HEALTH = dashboard({
  id: 'sentinel-dashboard-device-health',
  title: 'Device health',
  description: 'SNMP traps, interface up/down events and errors per device.',
  panels: [
    { object: TRAPS_OVER_TIME, x: 0, y: 0, w: 48, h: 12 },
    { object: INTERFACE_EVENTS, x: 0, y: 12, w: 24, h: 15 },
    { object: DEVICE_ERRORS, x: 24, y: 12, w: 24, h: 15 },
    { object: SNMP_TRAP_SEARCH, x: 0, y: 27, w: 48, h: 15 },
  ],
})

export const DASHBOARDS = [OVERVIEW, DEVICE_HEALTH]
