/** @module SNMP polling: profiles, walker, rates, exposition and the poller. */
export * from './exposition.js'
export * from './poller.js'
export * from './profiles.js'
export * from './rates.js'
export * from './walker.js'
