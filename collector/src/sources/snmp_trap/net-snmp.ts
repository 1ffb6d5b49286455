/**
 * @module The slice of net-snmp (untyped CommonJS) the trap receiver and the MIB table use, typed
 * locally so no global `declare module` is needed.
 */
import { createRequire } from 'node:module'
import type { Socket } from 'node:dgram'
import type { NetSnmpNotificationPdu } from './encode.js'

export interface NetSnmpUser {
  name: string
  level: number
  authProtocol?: number
  authKey?: string
  privProtocol?: number
  privKey?: string
}

export interface NetSnmpAuthorizer {
  addCommunity(community: string): void
  addUser(user: NetSnmpUser): void
}

export interface NetSnmpReceiver {
  getAuthorizer(): NetSnmpAuthorizer
  close(callback?: (socket: unknown) => void): void
}

/** What the receiver's callback gets. */
export interface NetSnmpNotification {
  pdu: NetSnmpNotificationPdu
  rinfo: { address: string; port: number; family: string; size: number }
}

export interface NetSnmpReceiverOptions {
  port: number
  address: string | null
  transport: 'udp4' | 'udp6'
  disableAuthorization: boolean
  includeAuthentication: boolean
  engineID?: string
  dgramModule: { createSocket(type: string): Socket }
}

/** One MIB object as ModuleStore's JSON modules hold it. */
export interface MibObjectJson {
  NAME?: string
  OID?: string
  MACRO?: string
  SYNTAX?: unknown
  [key: string]: unknown
}

/**
 * The parser state behind a ModuleStore (net-snmp internals, read only to undo a failed load: a file
 * that fails to compile stays in these tables and every later load recompiles it and fails again).
 */
export interface NetSnmpMibParser {
  CharBuffer: { Table: Record<string, unknown>; ModuleName: Record<string, string> }
  SymbolBuffer: Record<string, unknown>
  Modules: Record<string, Record<string, MibObjectJson>>
}

export interface NetSnmpModuleStore {
  parser?: NetSnmpMibParser
  loadFromFile(path: string): void
  getModule(name: string): Record<string, MibObjectJson> | undefined
  getModules(includeBase: boolean): Record<string, Record<string, MibObjectJson>>
  getModuleNames(includeBase: boolean): string[]
}

interface NetSnmpModule {
  createReceiver(
    options: NetSnmpReceiverOptions,
    callback: (
      error: (Error & { rinfo?: { address: string; port: number } }) | null,
      data?: NetSnmpNotification,
    ) => void,
  ): NetSnmpReceiver
  createModuleStore(options?: { baseModules?: string[] }): NetSnmpModuleStore
  SecurityLevel: Record<'noAuthNoPriv' | 'authNoPriv' | 'authPriv', number>
  AuthProtocols: Record<string, number>
  PrivProtocols: Record<string, number>
}

const require = createRequire(import.meta.url)

/** net-snmp, loaded on first use. */
export function netSnmp(): NetSnmpModule {
  return require('net-snmp') as NetSnmpModule
}

/** Absolute path of the MIB files net-snmp ships. */
export function shippedMibDir(): string {
  return require.resolve('net-snmp').replace(/index\.js$/, 'lib/mibs')
}
