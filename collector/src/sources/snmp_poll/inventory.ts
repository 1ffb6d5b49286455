/**
 * @module The SNMP inventory: devices from the config plus those of `snmp.inventory_file` (which
 * the inventory API reads and writes atomically), their checks (credentials by reference, known
 * profiles, unique names) and their conversion into the poller's device entries.
 */
import { randomBytes } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { Ajv } from 'ajv'
import { parseDocument, stringify } from 'yaml'
import type { SnmpConfig, SnmpCustomMetric, SnmpDeviceConfig } from './config.js'
import { SnmpDeviceConfig as SnmpDeviceSchema } from './config.js'
import { PROFILES, type Profile } from './profiles.js'
import type { SnmpDevice } from './walker.js'
import { usmSecurityProblems } from '../snmp-usm.js'

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false })
const validateDeviceSchema = ajv.compile<SnmpDeviceConfig>(SnmpDeviceSchema)

/** YAML `version: 3` is a number; the schema's discriminator wants the string. */
export function normaliseSnmpVersions(snmp: unknown): void {
  if (snmp === null || typeof snmp !== 'object') return
  const credentials = (snmp as { credentials?: unknown }).credentials
  if (credentials === null || typeof credentials !== 'object') return
  for (const entry of Object.values(credentials as Record<string, unknown>)) {
    if (entry !== null && typeof entry === 'object') {
      const c = entry as { version?: unknown }
      if (typeof c.version === 'number') c.version = c.version === 3 ? '3' : String(c.version)
    }
  }
}

/** Custom profiles as poller profiles. */
export function customProfiles(snmp: SnmpConfig): Record<string, Profile> {
  const out: Record<string, Profile> = {}
  for (const [name, metrics] of Object.entries(snmp.custom_profiles)) {
    out[name] = {
      name,
      metrics: metrics.map((m: SnmpCustomMetric) => ({
        name: m.name,
        oid: m.oid,
        type: m.type,
        help: m.help ?? `${m.name} - ${m.oid}`,
        indexes: m.indexes,
      })),
    }
  }
  return out
}

/** Problems of one device against the snmp section, each naming `path`. */
export function checkDevice(path: string, device: SnmpDeviceConfig, snmp: SnmpConfig): string[] {
  const problems: string[] = []
  if (!Object.hasOwn(snmp.credentials, device.credentials)) {
    const known = Object.keys(snmp.credentials)
    problems.push(
      `${path}.credentials: unknown credentials "${device.credentials}" (defined in snmp.credentials: ${known.length > 0 ? known.join(', ') : 'none'})`,
    )
  }
  device.profiles.forEach((profile, i) => {
    if (!Object.hasOwn(PROFILES, profile) && !Object.hasOwn(snmp.custom_profiles, profile)) {
      const known = [...Object.keys(PROFILES), ...Object.keys(snmp.custom_profiles)]
      problems.push(`${path}.profiles.${i}: unknown profile "${profile}" (known: ${known.join(', ')})`)
    }
  })
  return problems
}

/** Semantic checks of `snmp:` (after the schema): references, v3 keys, unique device names. */
export function checkSnmp(snmp: SnmpConfig): string[] {
  const problems: string[] = []
  for (const [name, c] of Object.entries(snmp.credentials)) {
    if (c.version !== '3') continue
    problems.push(...usmSecurityProblems(`snmp.credentials.${name}`, c))
  }
  for (const [name, metrics] of Object.entries(snmp.custom_profiles)) {
    if (Object.hasOwn(PROFILES, name)) {
      problems.push(`snmp.custom_profiles.${name}: the name of a shipped profile`)
    }
    metrics.forEach((m, i) => {
      if (m.indexes.length === 0 && !m.oid.endsWith('.0')) {
        problems.push(
          `snmp.custom_profiles.${name}.${i}.oid: a scalar (no indexes) must be the instance OID ending in .0 (got "${m.oid}")`,
        )
      }
    })
  }
  const names = new Set<string>()
  snmp.devices.forEach((device, i) => {
    const at = `snmp.devices.${i}`
    if (names.has(device.name)) problems.push(`${at}.name: duplicate device "${device.name}"`)
    names.add(device.name)
    problems.push(...checkDevice(at, device, snmp))
  })
  return problems
}

/** Validate an untrusted device (API body, inventory file entry); defaults applied. */
export function validateDevice(
  raw: unknown,
  path: string,
  snmp: SnmpConfig,
): { device: SnmpDeviceConfig; problems: [] } | { device?: undefined; problems: string[] } {
  const copy: unknown = structuredClone(raw)
  if (!validateDeviceSchema(copy)) {
    const problems = (validateDeviceSchema.errors ?? []).map(
      (e) =>
        `${path}${e.instancePath.replace(/\//g, '.')}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`,
    )
    return { problems }
  }
  const problems = checkDevice(path, copy, snmp)
  return problems.length > 0 ? { problems } : { device: copy, problems: [] }
}

/** The poller's entry for a device: credentials resolved by reference. */
export function toSnmpDevice(device: SnmpDeviceConfig, snmp: SnmpConfig): SnmpDevice {
  const c = snmp.credentials[device.credentials]
  const base = {
    name: device.name,
    address: device.address,
    port: device.port,
    profiles: device.profiles,
    intervalMs: (device.interval_secs ?? snmp.interval_secs) * 1000,
  }
  if (!c) throw new Error(`SNMP device ${device.name}: unknown credentials "${device.credentials}"`)
  if (c.version === '2c') return { ...base, version: '2c', community: c.community }
  return {
    ...base,
    version: '3',
    v3: {
      username: c.username,
      level: c.level,
      authProtocol: c.auth_protocol,
      authKey: c.auth_key,
      privProtocol: c.priv_protocol,
      privKey: c.priv_key,
      context: c.context,
    },
  }
}

/** Where a device is defined. */
export type DeviceOrigin = 'config' | 'file'

/** Devices from the config plus the inventory file; changes to the file's devices persist. */
export class Inventory {
  private readonly fileDevices = new Map<string, SnmpDeviceConfig>()
  private readonly listeners = new Set<() => void>()
  private writing: Promise<void> = Promise.resolve()

  private constructor(readonly snmp: SnmpConfig) {}

  /** Load the inventory file (absent file: empty); throws naming each bad entry. */
  static async open(snmp: SnmpConfig): Promise<Inventory> {
    const inventory = new Inventory(snmp)
    const file = snmp.inventory_file
    if (file === undefined) return inventory
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return inventory
      throw error
    }
    const document = parseDocument(text)
    if (document.errors.length > 0) {
      throw new Error(`${file}: not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}`)
    }
    const raw: unknown = document.toJS() ?? []
    const list: unknown = Array.isArray(raw) ? raw : ((raw as { devices?: unknown }).devices ?? [])
    if (!Array.isArray(list)) throw new Error(`${file}: expected a list of devices or devices: [...]`)
    const problems: string[] = []
    const configNames = new Set(snmp.devices.map((d) => d.name))
    list.forEach((entry: unknown, i) => {
      const result = validateDevice(entry, `${file}: devices.${i}`, snmp)
      if (!result.device) return void problems.push(...result.problems)
      const name = result.device.name
      if (configNames.has(name) || inventory.fileDevices.has(name)) {
        problems.push(`${file}: devices.${i}.name: duplicate device "${name}"`)
      } else inventory.fileDevices.set(name, result.device)
    })
    if (problems.length > 0) throw new Error(problems.join('; '))
    return inventory
  }

  /** Every device, config first. */
  list(): { device: SnmpDeviceConfig; origin: DeviceOrigin }[] {
    return [
      ...this.snmp.devices.map((device) => ({ device, origin: 'config' as const })),
      ...[...this.fileDevices.values()].map((device) => ({ device, origin: 'file' as const })),
    ]
  }

  get(name: string): { device: SnmpDeviceConfig; origin: DeviceOrigin } | undefined {
    return this.list().find((d) => d.device.name === name)
  }

  get writable(): boolean {
    return this.snmp.inventory_file !== undefined
  }

  /** Add or replace a file device; resolves once the file is written. */
  async put(device: SnmpDeviceConfig): Promise<'created' | 'replaced'> {
    const existed = this.fileDevices.has(device.name)
    this.fileDevices.set(device.name, device)
    await this.persist()
    return existed ? 'replaced' : 'created'
  }

  /** Remove a file device; false when there was none. */
  async delete(name: string): Promise<boolean> {
    if (!this.fileDevices.delete(name)) return false
    await this.persist()
    return true
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Address -> device name, for giving traps the inventory's host.name. */
  addressMap(): Map<string, string> {
    return new Map(this.list().map(({ device }) => [device.address, device.name]))
  }

  private async persist(): Promise<void> {
    const file = this.snmp.inventory_file
    if (file === undefined) throw new Error('snmp.inventory_file is not configured')
    const text = stringify({ devices: [...this.fileDevices.values()] })
    // Writes are serialised; each goes to a temporary file renamed over the old one (atomic).
    const write = this.writing.then(async () => {
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
      await writeFile(tmp, text, { mode: 0o600 })
      await rename(tmp, file)
    })
    this.writing = write.catch(() => undefined)
    await write
    for (const listener of this.listeners) listener()
  }
}
