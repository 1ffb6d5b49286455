/**
 * @module SNMP polling config (`snmp:` at the top level): defaults for every device, credentials by
 * name (v2c community or v3 USM user; secrets via ${env:} / ${file:}), custom profiles of numeric
 * OIDs, the devices themselves, and an optional inventory file the API reads and writes.
 */
import { Type, type Static } from '@sinclair/typebox'
import { USM_SECURITY_PROPERTIES } from '../snmp-usm.js'

/** Names of credentials, profiles and devices. */
export const SNMP_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'
export const DEFAULT_DEVICE_PROFILES = ['if_mib', 'host_resources', 'ucd', 'system'] as const

export const SnmpV2cCredentials = Type.Object(
  {
    version: Type.Literal('2c'),
    community: Type.String({
      minLength: 1,
      secret: true,
      description: 'SNMPv2c community; use ${env:NAME} or ${file:PATH}.',
    }),
  },
  { additionalProperties: false },
)

export const SnmpV3Credentials = Type.Object(
  {
    version: Type.Literal('3'),
    username: Type.String({ minLength: 1, description: 'USM user name.' }),
    ...USM_SECURITY_PROPERTIES,
    context: Type.Optional(Type.String({ description: 'SNMPv3 context name.' })),
  },
  { additionalProperties: false },
)

export const SnmpCredentials = Type.Unsafe<
  Static<typeof SnmpV2cCredentials> | Static<typeof SnmpV3Credentials>
>({
  type: 'object',
  required: ['version'],
  discriminator: { propertyName: 'version' },
  oneOf: [SnmpV2cCredentials, SnmpV3Credentials],
  description: "One set of credentials; `version` picks '2c' (community) or '3' (USM user).",
})
export type SnmpCredentials = Static<typeof SnmpV2cCredentials> | Static<typeof SnmpV3Credentials>

export const SnmpCustomMetric = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$',
      description:
        'Metric name (a Prometheus name; also the Elasticsearch field under sentinel.snmp.metrics).',
    }),
    oid: Type.String({
      pattern: '^[0-9]+(\\.[0-9]+)+$',
      description:
        'Numeric OID: a table column (no index) or, without indexes, a scalar instance ending in .0.',
    }),
    type: Type.Union([Type.Literal('gauge'), Type.Literal('counter')], {
      default: 'gauge',
      description: 'counter for Counter32/Counter64 columns (rates are computed), gauge otherwise.',
    }),
    indexes: Type.Array(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), {
      default: [],
      description: 'Index label names, one per index sub-identifier; empty for a scalar.',
    }),
    help: Type.Optional(Type.String({ description: 'HELP text of the metric.' })),
  },
  { additionalProperties: false },
)
export type SnmpCustomMetric = Static<typeof SnmpCustomMetric>

export const SnmpDeviceConfig = Type.Object(
  {
    name: Type.String({
      pattern: SNMP_NAME_PATTERN,
      description: 'Device name: the `device` label, and host.name of its documents and traps.',
    }),
    address: Type.String({ minLength: 1, description: 'IP address or DNS name of the agent.' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 161, description: 'Agent UDP port.' }),
    credentials: Type.String({ minLength: 1, description: 'Name of an entry of snmp.credentials.' }),
    profiles: Type.Array(Type.String({ minLength: 1 }), {
      default: [...DEFAULT_DEVICE_PROFILES],
      description:
        'Shipped profiles (if_mib, host_resources, ucd, system) or names from snmp.custom_profiles.',
    }),
    interval_secs: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Poll interval of this device; default snmp.interval_secs.',
      }),
    ),
    tags: Type.Array(Type.String(), { default: [], description: 'Copied to the `tags` of its documents.' }),
    site: Type.Optional(Type.String({ description: 'Site or location (sentinel.snmp.site).' })),
  },
  { additionalProperties: false },
)
export type SnmpDeviceConfig = Static<typeof SnmpDeviceConfig>

export const SnmpConfig = Type.Object(
  {
    interval_secs: Type.Integer({
      minimum: 1,
      default: 60,
      description: 'Seconds between polls of a device.',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 1024,
      default: 16,
      description: 'Devices polled at once.',
    }),
    timeout_ms: Type.Integer({
      minimum: 100,
      default: 2000,
      description: 'Timeout of one SNMP request (ms).',
    }),
    retries: Type.Integer({ minimum: 0, maximum: 10, default: 1, description: 'Re-sends after a timeout.' }),
    credentials: Type.Record(Type.String({ pattern: SNMP_NAME_PATTERN }), SnmpCredentials, {
      default: {},
      description: 'Credentials by name; devices refer to them by name, so secrets appear once.',
    }),
    custom_profiles: Type.Record(Type.String({ pattern: SNMP_NAME_PATTERN }), Type.Array(SnmpCustomMetric), {
      default: {},
      description: "Extra profiles of numeric OIDs by name, usable in a device's profiles.",
    }),
    devices: Type.Array(SnmpDeviceConfig, { default: [], description: 'Devices to poll.' }),
    inventory_file: Type.Optional(
      Type.String({
        description:
          'YAML file of more devices (a list, or `devices:` with a list), read at start and written by the inventory API.',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'SNMP polling: devices, credentials, profiles.' },
)
export type SnmpConfig = Static<typeof SnmpConfig>
