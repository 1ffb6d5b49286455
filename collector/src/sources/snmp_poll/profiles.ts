/**
 * @module The OIDs the shipped SNMP polling profiles walk, with the metric names, types, index
 * labels and lookups that Prometheus' snmp_exporter generator produces for them (IF-MIB,
 * HOST-RESOURCES-MIB, UCD-SNMP-MIB, SNMPv2-MIB), so community dashboards keep working.
 * Numeric OIDs only: no MIB files are loaded at runtime.
 */

/** `counter`: a Counter32/Counter64 column (rates are computed); `gauge`: anything numeric. */
export type MetricKind = 'counter' | 'gauge'

/** A label taken from another column of the same table, at the same index (snmp_exporter `lookups`). */
export interface Lookup {
  labelname: string
  /** Column OID (no index). */
  oid: string
}

export interface MetricDef {
  /** snmp_exporter metric name (the MIB object name). */
  name: string
  /** Column OID for a table (instances are `<oid>.<index>`), or the full instance OID for a scalar (`.0`). */
  oid: string
  type: MetricKind
  help: string
  /** Index label names, one per index sub-identifier (empty for a scalar). */
  indexes: readonly string[]
  lookups?: readonly Lookup[]
  /** The value is a DisplayString holding a number (e.g. UCD laLoad "0.15"). */
  parseString?: boolean
}

export interface Profile {
  name: string
  metrics: readonly MetricDef[]
}

export const SYS_UPTIME_OID = '1.3.6.1.2.1.1.3.0'
export const SYS_NAME_OID = '1.3.6.1.2.1.1.5.0'

const IF = '1.3.6.1.2.1.2.2.1'
const IFX = '1.3.6.1.2.1.31.1.1.1'
const HR_STORAGE = '1.3.6.1.2.1.25.2.3.1'
const UCD_LA = '1.3.6.1.4.1.2021.10.1'
const UCD_MEM = '1.3.6.1.4.1.2021.4'

export const OIDS = {
  ifDescr: `${IF}.2`,
  ifAdminStatus: `${IF}.7`,
  ifOperStatus: `${IF}.8`,
  ifInDiscards: `${IF}.13`,
  ifInErrors: `${IF}.14`,
  ifOutDiscards: `${IF}.19`,
  ifOutErrors: `${IF}.20`,
  ifName: `${IFX}.1`,
  ifHCInOctets: `${IFX}.6`,
  ifHCOutOctets: `${IFX}.10`,
  hrProcessorLoad: '1.3.6.1.2.1.25.3.3.1.2',
  hrStorageDescr: `${HR_STORAGE}.3`,
  hrStorageAllocationUnits: `${HR_STORAGE}.4`,
  hrStorageSize: `${HR_STORAGE}.5`,
  hrStorageUsed: `${HR_STORAGE}.6`,
  laNames: `${UCD_LA}.2`,
  laLoad: `${UCD_LA}.3`,
  memTotalReal: `${UCD_MEM}.5.0`,
  memAvailReal: `${UCD_MEM}.6.0`,
  sysUpTime: SYS_UPTIME_OID,
  sysName: SYS_NAME_OID,
} as const

const IF_LOOKUPS: readonly Lookup[] = [
  { labelname: 'ifName', oid: OIDS.ifName },
  { labelname: 'ifDescr', oid: OIDS.ifDescr },
]
const STORAGE_LOOKUPS: readonly Lookup[] = [{ labelname: 'hrStorageDescr', oid: OIDS.hrStorageDescr }]

function ifMetric(name: keyof typeof OIDS, type: MetricKind, help: string): MetricDef {
  return { name, oid: OIDS[name], type, help, indexes: ['ifIndex'], lookups: IF_LOOKUPS }
}

function storageMetric(name: keyof typeof OIDS, help: string): MetricDef {
  return { name, oid: OIDS[name], type: 'gauge', help, indexes: ['hrStorageIndex'], lookups: STORAGE_LOOKUPS }
}

export const IF_MIB: Profile = {
  name: 'if_mib',
  metrics: [
    ifMetric('ifAdminStatus', 'gauge', 'The desired state of the interface - 1.3.6.1.2.1.2.2.1.7'),
    ifMetric('ifOperStatus', 'gauge', 'The current operational state of the interface - 1.3.6.1.2.1.2.2.1.8'),
    ifMetric('ifInDiscards', 'counter', 'Inbound packets discarded - 1.3.6.1.2.1.2.2.1.13'),
    ifMetric('ifInErrors', 'counter', 'Inbound packets with errors - 1.3.6.1.2.1.2.2.1.14'),
    ifMetric('ifOutDiscards', 'counter', 'Outbound packets discarded - 1.3.6.1.2.1.2.2.1.19'),
    ifMetric('ifOutErrors', 'counter', 'Outbound packets with errors - 1.3.6.1.2.1.2.2.1.20'),
    ifMetric('ifHCInOctets', 'counter', 'Octets received on the interface (64-bit) - 1.3.6.1.2.1.31.1.1.1.6'),
    ifMetric('ifHCOutOctets', 'counter', 'Octets sent on the interface (64-bit) - 1.3.6.1.2.1.31.1.1.1.10'),
  ],
}

export const HOST_RESOURCES: Profile = {
  name: 'host_resources',
  metrics: [
    {
      name: 'hrProcessorLoad',
      oid: OIDS.hrProcessorLoad,
      type: 'gauge',
      help: 'Average percentage of time this processor was not idle over the last minute - 1.3.6.1.2.1.25.3.3.1.2',
      indexes: ['hrDeviceIndex'],
    },
    storageMetric(
      'hrStorageAllocationUnits',
      'Size in bytes of the allocation units - 1.3.6.1.2.1.25.2.3.1.4',
    ),
    storageMetric('hrStorageSize', 'Size of the storage in allocation units - 1.3.6.1.2.1.25.2.3.1.5'),
    storageMetric('hrStorageUsed', 'Storage in use in allocation units - 1.3.6.1.2.1.25.2.3.1.6'),
  ],
}

export const UCD: Profile = {
  name: 'ucd',
  metrics: [
    {
      name: 'laLoad',
      oid: OIDS.laLoad,
      type: 'gauge',
      help: 'The 1, 5 and 15 minute load averages - 1.3.6.1.4.1.2021.10.1.3',
      indexes: ['laIndex'],
      lookups: [{ labelname: 'laNames', oid: OIDS.laNames }],
      parseString: true,
    },
    {
      name: 'memTotalReal',
      oid: OIDS.memTotalReal,
      type: 'gauge',
      help: 'Total real/physical memory (kB) - 1.3.6.1.4.1.2021.4.5',
      indexes: [],
    },
    {
      name: 'memAvailReal',
      oid: OIDS.memAvailReal,
      type: 'gauge',
      help: 'Available real/physical memory (kB) - 1.3.6.1.4.1.2021.4.6',
      indexes: [],
    },
  ],
}

export const SYSTEM: Profile = {
  name: 'system',
  metrics: [
    {
      name: 'sysUpTime',
      oid: OIDS.sysUpTime,
      type: 'gauge',
      help: 'Time (hundredths of a second) since the network management portion of the system was last re-initialized - 1.3.6.1.2.1.1.3',
      indexes: [],
    },
  ],
}

/** Every shipped profile by name. */
export const PROFILES: Readonly<Record<string, Profile>> = {
  [IF_MIB.name]: IF_MIB,
  [HOST_RESOURCES.name]: HOST_RESOURCES,
  [UCD.name]: UCD,
  [SYSTEM.name]: SYSTEM,
}

/** True for a scalar metric (no index labels: its OID is the instance, ending in `.0`). */
export function isScalar(metric: MetricDef): boolean {
  return metric.indexes.length === 0
}

/** What to fetch for a set of profiles: subtrees to walk (columns incl. lookups) and scalars to GET. */
export function fetchPlan(profiles: readonly Profile[]): { walk: string[]; get: string[] } {
  const walk = new Set<string>()
  const get = new Set<string>([SYS_UPTIME_OID])
  for (const profile of profiles) {
    for (const metric of profile.metrics) {
      if (isScalar(metric)) {
        get.add(metric.oid)
        continue
      }
      walk.add(metric.oid)
      for (const lookup of metric.lookups ?? []) walk.add(lookup.oid)
    }
  }
  return { walk: [...walk], get: [...get] }
}

/** Resolve profile names (shipped, then `custom`); throws on an unknown one. */
export function resolveProfiles(
  names: readonly string[],
  custom: Readonly<Record<string, Profile>> = {},
): Profile[] {
  return names.map((name) => {
    const profile = PROFILES[name] ?? (Object.hasOwn(custom, name) ? custom[name] : undefined)
    if (!profile) {
      const known = [...Object.keys(PROFILES), ...Object.keys(custom)]
      throw new Error(`unknown SNMP profile "${name}" (known: ${known.join(', ')})`)
    }
    return profile
  })
}
