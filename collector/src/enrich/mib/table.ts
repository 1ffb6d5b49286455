/**
 * @module MIB translation table: OID -> name (longest prefix, `ifIndex.3`) and enumerated INTEGER
 * values -> names (`ifOperStatus` 2 -> `down`). Built once at start from net-snmp's shipped MIBs
 * (SNMPv2-*, RFC1213-MIB, IANAifType-MIB, IF-MIB) plus the operator's `mib_dirs`; lookups are pure.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { format } from 'node:util'
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

/** A MIB file's module name and the modules its IMPORTS name, read without compiling it. */
interface MibFile {
  path: string
  module: string | undefined
  imports: string[]
}

/** Reads the module name and IMPORTS ... FROM modules of a MIB file (comments stripped). */
export function describeMibFile(path: string, text?: string): MibFile {
  let source = text
  if (source === undefined) {
    try {
      source = readFileSync(path, 'latin1')
    } catch {
      return { path, module: undefined, imports: [] }
    }
  }
  const code = source.replace(/--.*$/gm, '')
  const module = /([A-Za-z][\w-]*)\s+DEFINITIONS\s*::=\s*BEGIN/.exec(code)?.[1]
  const importsBlock = /\bIMPORTS\b([\s\S]*?);/.exec(code)?.[1] ?? ''
  const imports = [...importsBlock.matchAll(/\bFROM\s+([A-Za-z][\w-]*)/g)].map((m) => m[1] as string)
  return { path, module, imports: [...new Set(imports)] }
}

/**
 * Loads one file; on failure undoes what the parser kept of it (net-snmp leaves a file that failed to
 * compile in its tables, and every later load recompiles it and fails the same way) and returns the
 * error. net-snmp's parser prints to the console; that output is returned as `notes` instead.
 */
function loadOne(store: NetSnmpModuleStore, path: string): { error?: string; notes: string[] } {
  const parser = store.parser
  const before = parser && {
    table: new Set(Object.keys(parser.CharBuffer.Table)),
    names: new Set(Object.keys(parser.CharBuffer.ModuleName)),
    symbols: new Set(Object.keys(parser.SymbolBuffer)),
    modules: new Set(Object.keys(parser.Modules)),
  }
  const notes: string[] = []
  const { log, warn } = console
  const capture = (...args: unknown[]): void => {
    if (notes.length < 20) notes.push(format(...args))
  }
  console.log = capture
  console.warn = capture
  try {
    store.loadFromFile(path)
    return { notes }
  } catch (error) {
    if (parser && before) {
      const undo = (record: Record<string, unknown>, kept: Set<string>): void => {
        for (const key of Object.keys(record)) if (!kept.has(key)) delete record[key]
      }
      undo(parser.CharBuffer.Table, before.table)
      undo(parser.CharBuffer.ModuleName, before.names)
      undo(parser.SymbolBuffer, before.symbols)
      undo(parser.Modules, before.modules)
    }
    return { error: error instanceof Error ? error.message : String(error), notes }
  } finally {
    console.log = log
    console.warn = warn
  }
}

/**
 * Loads files so that each comes after the modules it imports: a file whose imports are all loaded
 * goes first; when none is, the others are tried in order (an import may be missing yet unused).
 * A failed file is retried after any later success; what never loads is logged and skipped, and
 * a module already loaded (a second copy) is skipped.
 */
function loadInDependencyOrder(
  store: NetSnmpModuleStore,
  files: string[],
  logger: MibLogger | undefined,
): void {
  let pending = files.map((file) => describeMibFile(file))
  const lastError = new Map<string, { error: string; notes: string[] }>()
  let failedSinceProgress = new Set<string>()
  for (;;) {
    const known = new Set(store.getModuleNames(true))
    const duplicates = pending.filter((f) => f.module !== undefined && known.has(f.module))
    for (const file of duplicates) {
      logger?.warn({ file: file.path, module: file.module }, 'MIB module already loaded; file skipped.')
    }
    pending = pending.filter((f) => !duplicates.includes(f))
    const candidates = pending.filter((f) => !failedSinceProgress.has(f.path))
    const next = candidates.find((f) => f.imports.every((m) => known.has(m))) ?? candidates[0]
    if (!next) break
    const result = loadOne(store, next.path)
    if (result.error === undefined) {
      pending = pending.filter((f) => f !== next)
      lastError.delete(next.path)
      failedSinceProgress = new Set()
      const loaded = new Set(store.getModuleNames(true))
      const missing = next.imports.filter((m) => !loaded.has(m))
      if (missing.length > 0) {
        logger?.warn(
          { file: next.path, missing_imports: missing },
          'MIB file loaded, but modules it imports are not loaded; objects it takes from them stay unnamed.',
        )
      }
    } else {
      failedSinceProgress.add(next.path)
      lastError.set(next.path, { error: result.error, notes: result.notes })
    }
  }
  for (const file of pending) {
    const failure = lastError.get(file.path)
    const loaded = new Set(store.getModuleNames(true))
    logger?.warn(
      {
        file: file.path,
        error: failure?.error,
        missing_imports: file.imports.filter((m) => !loaded.has(m)),
        ...(failure && failure.notes.length > 0 ? { parser_output: failure.notes } : {}),
      },
      'MIB file could not be loaded; skipped.',
    )
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
