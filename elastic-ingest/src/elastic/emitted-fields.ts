/**
 * @module The ECS fields Sentinel emits, listed once. Their mappings come from `@elastic/ecs`
 * (`EcsFlat`), never typed here; `sentinel.*` is mapped in `sentinel-fields.ts`.
 *
 * Sources: the parsers in `collector/src/parse/` (base-event, syslog-priority, rfc5424, rfc3164,
 * syslog-body, cef, leef, json, network-fields, error-event, known-messages), the Elasticsearch sink (data_stream,
 * dead-letter documents) and the fields the alert history and SNMP streams will carry. The
 * field-coverage test (`test/contract/ecs-field-coverage.test.ts`) parses a corpus of every format and fails when an
 * event holds a path these templates do not map.
 */

/** ECS field names (flat, as in `EcsFlat`) every Sentinel data stream maps. */
export const EMITTED_ECS_FIELDS = [
  // Base event (parse/base-event.ts, parse/index.ts).
  '@timestamp',
  'message',
  'tags',
  'ecs.version',
  'event.kind',
  'event.dataset',
  'event.created',
  'event.original',
  'event.ingested',
  'event.module',
  'event.category',
  'event.type',
  'event.id',
  'event.provider',
  // Syslog (syslog-priority.ts, rfc5424.ts, rfc3164.ts).
  'event.sequence',
  'log.level',
  'log.syslog.priority',
  'log.syslog.facility.code',
  'log.syslog.facility.name',
  'log.syslog.severity.code',
  'log.syslog.severity.name',
  'log.syslog.hostname',
  'log.syslog.appname',
  'log.syslog.procid',
  'log.syslog.msgid',
  'log.syslog.version',
  'log.syslog.structured_data',
  'host.name',
  'host.hostname',
  'host.ip',
  'process.name',
  'process.pid',
  // CEF / LEEF headers and extensions (cef.ts, leef.ts, network-fields.ts).
  'event.code',
  'event.reason',
  'event.action',
  'event.outcome',
  'event.severity',
  'event.start',
  'event.end',
  'observer.vendor',
  'observer.product',
  'observer.version',
  'observer.hostname',
  'observer.ip',
  'observer.name',
  'observer.type',
  'source.ip',
  'source.port',
  'source.domain',
  'source.mac',
  'source.bytes',
  'source.user.name',
  'destination.ip',
  'destination.port',
  'destination.domain',
  'destination.mac',
  'destination.bytes',
  'destination.user.name',
  'network.transport',
  'network.iana_number',
  'network.protocol',
  'url.original',
  'related.ip',
  'related.user',
  'related.hosts',
  'user.name',
  // Parse failures (error-event.ts) and dead-letter documents (sinks/elasticsearch/encoder.ts).
  'error.code',
  'error.message',
  'error.type',
  // Alert history (logs-sentinel.alert-*).
  'rule.id',
  'rule.name',
  'rule.description',
  'rule.ruleset',
  // SNMP polling (parse/snmp-poll.ts) and traps (parse/snmp-trap.ts).
  'event.duration',
  'observer.ingress.interface.id',
  'observer.ingress.interface.name',
  // Known syslog records (parse/known-messages/): firewall egress interfaces and zones (ASA, SRX,
  // netfilter); the user, source, rule and categorisation fields they set are listed above.
  'observer.egress.interface.name',
  'observer.ingress.zone',
  'observer.egress.zone',
  // Set by the Elasticsearch sink on every document.
  'data_stream.type',
  'data_stream.dataset',
  'data_stream.namespace',
] as const

export type EmittedEcsField = (typeof EMITTED_ECS_FIELDS)[number]

/**
 * Mapping parameters added on top of ECS, each for a documented reason. Nothing here changes a
 * field's type.
 */
export const ECS_MAPPING_OVERRIDES: Readonly<Partial<Record<EmittedEcsField, Record<string, unknown>>>> = {
  // A flattened field indexes every leaf as a keyword; one leaf over Lucene's 32766-byte term
  // limit would reject the whole event. 8191 characters is at most 32764 UTF-8 bytes.
  'log.syslog.structured_data': { ignore_above: 8191 },
}
