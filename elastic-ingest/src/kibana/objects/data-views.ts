/** @module Sentinel's data views: one over all its logs, one per data stream. */
import { dataView } from '../build/data-view.js'

export const ALL_LOGS = dataView({
  id: 'sentinel-logs',
  title: 'logs-sentinel.*',
  name: 'Sentinel logs (all)',
})
export const SYSLOG = dataView({
  id: 'sentinel-logs-syslog',
  title: 'logs-sentinel.syslog-*',
  name: 'Sentinel syslog',
})
export const SNMP_TRAPS = dataView({
  id: 'sentinel-logs-snmp-trap',
  title: 'logs-sentinel.snmp_trap-*',
  name: 'Sentinel SNMP traps',
})
export const SNMP_METRICS = dataView({
  id: 'sentinel-metrics-snmp',
  title: 'metrics-sentinel.snmp-*',
  name: 'Sentinel SNMP metrics',
})
export const ALERTS = dataView({
  id: 'sentinel-logs-alert',
  title: 'logs-sentinel.alert-*',
  name: 'Sentinel alerts',
})
export const DEAD_LETTERS = dataView({
  id: 'sentinel-logs-deadletter',
  title: 'logs-sentinel.deadletter-*',
  name: 'Sentinel dead letters',
})

export const DATA_VIEWS = [ALL_LOGS, SYSLOG, SNMP_TRAPS, SNMP_METRICS, ALERTS, DEAD_LETTERS]
