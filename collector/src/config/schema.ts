/**
 * @module Collector config schema: the one YAML file `sentinel run --config` reads. Every field
 * has a description and a default; unknown keys are errors. The JSON Schema in
 * collector/config/sentinel.schema.json and docs/configuration.md are generated from this.
 */
import { Type, type Static } from '@sinclair/typebox'
import { CorrelateConfig } from '../correlate/config.js'
import { MlConfig } from '../ml/config.js'
import { AlertmanagerSinkConfig } from '../sinks/alertmanager/config.js'
import { ElasticsearchSinkConfig } from '../sinks/elasticsearch/config.js'
import { SnmpConfig } from '../sources/snmp_poll/config.js'
import { SnmpTrapSourceConfig } from '../sources/snmp_trap/config.js'
import { SyslogSourceConfig } from '../sources/syslog/config.js'
import { WHEN_FULL_POLICIES } from '../spool/spool-types.js'

const SOURCE_ID_PATTERN = '^[a-z][a-z0-9_]{0,63}$'

/**
 * One source: a union discriminated by `type`. `oneOf` + `discriminator` (ajv option
 * `discriminator: true`) so ajv validates only the branch `type` names and applies its defaults.
 */
export const SourceConfig = Type.Unsafe<SyslogSourceConfig | SnmpTrapSourceConfig>({
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [SyslogSourceConfig, SnmpTrapSourceConfig],
  description: 'A listener; `type` picks its kind: syslog or snmp_trap.',
})
export type SourceConfig = SyslogSourceConfig | SnmpTrapSourceConfig

/**
 * Embedded defaults: what `npm start` listens on without a config file (DESIGN.md section 4),
 * before the schema fills in the remaining defaults. Traps accept the conventional `public`
 * community until a config says otherwise.
 */
export const DEFAULT_SOURCES: Record<string, Record<string, unknown>> = {
  syslog_udp: {
    type: 'syslog',
    listen: 'udp:0.0.0.0:5514',
    format: 'auto',
    timezone: 'UTC',
    max_length: 102_400,
    framing: 'auto',
    max_connections: 1000,
    receive_buffer_bytes: 8 * 1024 * 1024,
  },
  syslog_tcp: {
    type: 'syslog',
    listen: 'tcp:0.0.0.0:5514',
    format: 'auto',
    timezone: 'UTC',
    max_length: 102_400,
    framing: 'auto',
    max_connections: 1000,
  },
  snmp_traps: {
    type: 'snmp_trap',
    listen: 'udp:0.0.0.0:1162',
    communities: ['public'],
  },
}

export const ApiConfig = Type.Object(
  {
    listen: Type.String({
      default: '127.0.0.1:9464',
      pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]+):([0-9]{1,5})$',
      description:
        'host:port for health, metrics and the API. Loopback by default: the API has no authentication yet.',
    }),
    recent_events: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 10_000,
      description: 'How many recent events GET /api/v1/events can search (kept in memory as JSON).',
    }),
  },
  { additionalProperties: false, default: {} },
)

export const PipelineConfig = Type.Object(
  {
    batch_max_events: Type.Integer({
      minimum: 1,
      default: 2_000,
      description: 'Most records parsed and written to the spool in one batch (one disk write).',
    }),
    batch_max_bytes: Type.Integer({
      minimum: 4096,
      default: 4 * 1024 * 1024,
      description: 'Most bytes of serialised events in one spool write. At most spool.segment_bytes.',
    }),
    max_pending_events: Type.Integer({
      minimum: 1,
      default: 50_000,
      description:
        'Records read but not yet in the spool. At this mark TCP/TLS reading pauses and UDP datagrams are dropped (counted).',
    }),
  },
  { additionalProperties: false, default: {} },
)

export const SpoolConfig = Type.Object(
  {
    max_bytes: Type.Integer({
      minimum: 1024 * 1024,
      default: 1024 * 1024 * 1024,
      description: 'Disk quota for the spool (bytes).',
    }),
    segment_bytes: Type.Integer({
      minimum: 64 * 1024,
      default: 64 * 1024 * 1024,
      description: 'Size at which a spool segment file is closed and a new one started (bytes).',
    }),
    when_full: Type.Union(
      WHEN_FULL_POLICIES.map((p) => Type.Literal(p)),
      {
        default: 'block',
        description:
          'At the quota: block (push back on senders), drop_newest (refuse new events) or drop_oldest (delete the oldest segment). Drops are counted.',
      },
    ),
    fsync_interval_ms: Type.Integer({
      minimum: 0,
      default: 1000,
      description:
        'fsync the spool at most this often (0: after every write). Writes survive a process crash at once; this bounds loss on power failure.',
    }),
  },
  { additionalProperties: false, default: {} },
)

export const CollectorConfig = Type.Object(
  {
    data_dir: Type.String({
      default: './data',
      description: 'Directory for the spool and other state (relative paths are from the working directory).',
    }),
    log_level: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => Type.Literal(l)),
      { default: 'info', description: 'Collector log level.' },
    ),
    api: ApiConfig,
    pipeline: PipelineConfig,
    spool: SpoolConfig,
    sinks: Type.Object(
      {
        elasticsearch: Type.Optional(ElasticsearchSinkConfig),
        alertmanager: Type.Optional(AlertmanagerSinkConfig),
      },
      { additionalProperties: false, default: {}, description: 'Outputs; each one left out is off.' },
    ),
    snmp: SnmpConfig,
    correlate: CorrelateConfig,
    ml: MlConfig,
    sources: Type.Record(Type.String({ pattern: SOURCE_ID_PATTERN }), SourceConfig, {
      description:
        'Listeners by name (lower-case letters, digits, underscores). Without this key: syslog on udp and tcp 0.0.0.0:5514, SNMP traps on udp 0.0.0.0:1162 (community public).',
    }),
  },
  { additionalProperties: false },
)

export type CollectorConfig = Static<typeof CollectorConfig>
