/**
 * @module MIB translation table: OID -> name (longest prefix, `ifIndex.3`) and enumerated INTEGER
 * values -> names (`ifOperStatus` 2 -> `down`). Built once at start from net-snmp's shipped MIBs
 * (SNMPv2-*, RFC1213-MIB, IANAifType-MIB, IF-MIB) plus the operator's `mib_dirs`; lookups are pure.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  netSnmp,
  shippedMibDir,
  type MibObjectJson,
  type NetSnmpModuleStore,
} from '../../sources/snmp_trap/net-snmp.js'

/** One named OID. */
export interface MibEntry {
  name: string
  module: string
  /** An OBJECT-TYPE or NOTIFICATION-TYPE; plain tree nodes (enterprises, mib-2) are not leaves. */
  leaf: boolean
  /** Enumerated INTEGER labels by value. */
  enums?: Record<string, string>
}

/** An OID translated by longest prefix. */
export interface OidTranslation {
  /** `ifIndex.3`; the numeric OID when no prefix is known. */
  name: string
  /** The object's name without the instance suffix (`ifIndex`). */
  base?: string
  module?: string
  /** Instance suffix after the known prefix (`3`). */
  instance?: string
  entry?: MibEntry
}

/** Something that logs a MIB file it skipped. */
export interface MibLogger {
  warn(obj: object, msg: string): void
}

/** Shipped MIB files not among net-snmp's base modules, in dependency order. */
const SHIPPED_EXTRA = ['IANAifType-MIB.mib', 'IF-MIB.mib']

/**
 * The lookup table. `onUnknown` is told of each OID with no known prefix (the collector counts them).
 *
 * @example
 * const mib = MibTable.load({ dirs: ['/etc/sentinel/mibs'] })
 * mib.translate('1.3.6.1.2.1.2.2.1.8.3').name // 'ifOperStatus.3'
 * mib.enumLabel('1.3.6.1.2.1.2.2.1.8.3', 2)   // 'down'
 */
export class MibTable {
  readonly #byOid: Map<string, MibEntry>
  onUnknown: ((oid: string) => void) | undefined

  constructor(byOid: Map<string, MibEntry>) {
    this.#byOid = byOid
  }

  /** Number of named OIDs. */
  get size(): number {
    return this.#byOid.size
  }

  /** Builds the table from the shipped MIBs and every readable file in `dirs`. */
  static load(options: { dirs?: readonly string[]; logger?: MibLogger } = {}): MibTable {
    const store = netSnmp().createModuleStore()
    const shipped = shippedMibDir()
    loadInDependencyOrder(
      store,
      SHIPPED_EXTRA.map((f) => join(shipped, f)),
      options.logger,
    )
    const files: string[] = []
    for (const dir of options.dirs ?? []) {
      try {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          if (entry.isFile() && !entry.name.startsWith('.')) files.push(join(dir, entry.name))
        }
      } catch (error) {
        options.logger?.warn({ dir, error: String(error) }, 'MIB directory could not be read; skipped.')
      }
    }
    loadInDependencyOrder(store, files.sort(), options.logger)
    return new MibTable(buildIndex(store))
  }

  /** Longest-prefix translation of a numeric OID. */
  translate(oid: string): OidTranslation {
    let prefix = oid
    for (;;) {
      const entry = this.#byOid.get(prefix)
      // A suffix under a tree node (enterprises.99999.1) is an object no loaded MIB names.
      if (entry && (entry.leaf || prefix.length === oid.length)) {
        const instance = prefix.length < oid.length ? oid.slice(prefix.length + 1) : undefined
        return {
          name: instance === undefined ? entry.name : `${entry.name}.${instance}`,
          base: entry.name,
          module: entry.module,
          ...(instance === undefined ? {} : { instance }),
          entry,
        }
      }
      const dot = prefix.lastIndexOf('.')
      if (dot <= 0) break
      prefix = prefix.slice(0, dot)
    }
    this.onUnknown?.(oid)
    return { name: oid }
  }

  /** The exact OID of a name (`linkDown`), for tests and docs. */
  oidOf(name: string): string | undefined {
    for (const [oid, entry] of this.#byOid) if (entry.name === name) return oid
    return undefined
  }

  /** Label of an enumerated INTEGER value, when the object's syntax names one. */
  enumLabel(translation: OidTranslation, value: unknown): string | undefined {
    const enums = translation.entry?.enums
    if (!enums || typeof value !== 'number') return undefined
    return enums[String(value)]
  }
}

/**
 * Loads files whose imports are satisfied: failures are retried after the others (a file may import
 * one that sorts later) until a pass makes no progress; what still fails is logged and skipped.
 */
function loadInDependencyOrder(
  store: NetSnmpModuleStore,
  files: string[],
  logger: MibLogger | undefined,
): void {
  let pending = files
  const lastError = new Map<string, string>()
  for (;;) {
    const failed: string[] = []
    for (const file of pending) {
      try {
        store.loadFromFile(file)
      } catch (error) {
        failed.push(file)
        lastError.set(file, error instanceof Error ? error.message : String(error))
      }
    }
    if (failed.length === 0 || failed.length === pending.length) {
      for (const file of failed) {
        logger?.warn({ file, error: lastError.get(file) }, 'MIB file could not be loaded; skipped.')
      }
      return
    }
    pending = failed
  }
}

function buildIndex(store: NetSnmpModuleStore): Map<string, MibEntry> {
  const modules = store.getModules(true)
  // Textual conventions that are enumerated INTEGERs (IANAifType, TruthValue, ...).
  const conventions = new Map<string, Record<string, string>>()
  for (const module of Object.values(modules)) {
    for (const [name, object] of Object.entries(module)) {
      const enums = enumsOf(object.SYNTAX)
      if (enums && object.MACRO === 'TEXTUAL-CONVENTION') conventions.set(name, enums)
    }
  }
  const byOid = new Map<string, MibEntry>()
  for (const [moduleName, module] of Object.entries(modules)) {
    for (const [name, object] of Object.entries(module) as [string, MibObjectJson][]) {
      if (typeof object !== 'object' || object === null || typeof object.OID !== 'string') continue
      if (!/^\d+(\.\d+)*$/.test(object.OID)) continue
      const syntax = object.SYNTAX
      const enums = enumsOf(syntax) ?? (typeof syntax === 'string' ? conventions.get(syntax) : undefined)
      const leaf =
        object.MACRO === 'OBJECT-TYPE' || object.MACRO === 'NOTIFICATION-TYPE' || object.MACRO === 'TRAP-TYPE'
      byOid.set(object.OID, { name, module: moduleName, leaf, ...(enums ? { enums } : {}) })
    }
  }
  return byOid
}

function enumsOf(syntax: unknown): Record<string, string> | undefined {
  if (typeof syntax !== 'object' || syntax === null) return undefined
  const integer = (syntax as Record<string, unknown>).INTEGER
  if (typeof integer !== 'object' || integer === null) return undefined
  const out: Record<string, string> = {}
  for (const [value, label] of Object.entries(integer as Record<string, unknown>)) {
    if (/^-?\d+$/.test(value) && typeof label === 'string') out[value] = label
  }
  return Object.keys(out).length > 0 ? out : undefined
}

let shippedTable: MibTable | undefined

/** The table of the shipped MIBs alone, built on first use (for `sentinel parse` and tests). */
export function shippedMibTable(): MibTable {
  shippedTable ??= MibTable.load()
  return shippedTable
}
