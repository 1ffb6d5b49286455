/**
 * @module Mappings of Sentinel's own fields (`sentinel.*`), which ECS does not define: the only
 * mappings typed here. Keep in step with `SentinelFields` in
 * `collector/src/event/sentinel-event.ts`; the field-coverage test fails when they drift.
 */
import type { FieldMapping, Properties } from './ecs-mappings.js'

const keyword: FieldMapping = { type: 'keyword', ignore_above: 1024 }

/**
 * A flattened object holding keys from the wire (CEF/LEEF/JSON extensions): every leaf is a
 * keyword, so an unbounded set of keys never grows the mapping. `ignore_above` keeps one huge
 * value from rejecting the event (8191 characters fit Lucene's 32766-byte term limit);
 * `depth_limit` 64 matches the JSON parser's nesting limit (MAX_JSON_DEPTH).
 */
const wireKeys: FieldMapping = { type: 'flattened', ignore_above: 8191, depth_limit: 64 }

/** The shipped SNMP profiles' metric names (collector/src/sources/snmp_poll/profiles.ts), as doubles. */
export const SNMP_METRIC_NAMES = [
  'ifAdminStatus',
  'ifOperStatus',
  'ifInDiscards',
  'ifInErrors',
  'ifOutDiscards',
  'ifOutErrors',
  'ifHCInOctets',
  'ifHCOutOctets',
  'hrProcessorLoad',
  'hrStorageAllocationUnits',
  'hrStorageSize',
  'hrStorageUsed',
  'laLoad',
  'memTotalReal',
  'memAvailReal',
  'sysUpTime',
] as const

function snmpNumbers(): Properties {
  return Object.fromEntries(SNMP_METRIC_NAMES.map((name) => [name, { type: 'double' }]))
}

/** `sentinel.*` on every Sentinel document. */
export function sentinelProperties(): Properties {
  return {
    sentinel: {
      properties: {
        /** Listener name from the config. */
        source_id: keyword,
        /** udp, tcp, tls, stdin, http. */
        transport: keyword,
        /** The parser that produced the event: rfc5424, rfc3164, cef, leef, json. */
        format: keyword,
        /** CEF/LEEF header version. */
        format_version: keyword,
        /** A CEF severity outside 0-10 (`High`, `Very-High`), verbatim. */
        vendor_severity: keyword,
        /** The frame was cut to the listener's max_length. */
        truncated: { type: 'boolean' },
        /** RFC 3164 message without a PRI part: priority 13 assumed (RFC 3164 4.3.3). */
        pri_inferred: { type: 'boolean' },
        /** The sender as the socket saw it (may differ from host.name). */
        peer: { properties: { ip: { type: 'ip' }, port: { type: 'long' } } },
        /** The frame's exact bytes when they are not valid UTF-8 (event.original holds the decoded text). */
        original_base64: { type: 'binary' },
        /** CEF/LEEF/JSON keys without an ECS field. */
        extensions: wireKeys,
        /** The log template the event's message belongs to (the collector's template miner). */
        template: {
          properties: {
            /** Stable id: the same for every message of the template, across restarts. */
            id: keyword,
            /** The template, variables as `<*>`. */
            text: { type: 'keyword', ignore_above: 2048 },
          },
        },
        /** The anomaly verdict: the log model's for log events, the series detectors' for SNMP polls. */
        anomaly: {
          properties: {
            /** 0 (ordinary) to 1 (most anomalous). */
            score: { type: 'float' },
            /** Registry version of the log model, or `series/<detector>` for SNMP values. */
            model_version: keyword,
            /** Why it scored high: feature names (log events) or metric names (SNMP), strongest first. */
            top_features: keyword,
            /** SNMP documents: a series detector flagged one of its values as anomalous. */
            flagged: { type: 'boolean' },
            /** The model on trial beside the active one: scored, never alerted on. */
            shadow: { properties: { score: { type: 'float' }, model_version: keyword } },
          },
        },
        /**
         * Polled SNMP values (metrics-sentinel.snmp-*): one document per device per poll for its
         * scalars and one per table row. Values are numbers under `metrics.<snmp_exporter name>`
         * (double, the shipped profiles' names mapped here; custom profile names are mapped
         * dynamically), counter rates per second under `rates.<name>`.
         */
        snmp: {
          properties: {
            // Traps (logs-sentinel.snmp_trap-*). The community is never stored: it is a secret.
            version: keyword,
            pdu_type: keyword,
            user: keyword,
            trap_oid: keyword,
            trap_name: keyword,
            enterprise: keyword,
            generic_trap: { type: 'long' },
            specific_trap: { type: 'long' },
            agent_addr: { type: 'ip' },
            uptime: { type: 'long' },
            interface: { properties: { index: { type: 'long' }, name: keyword, descr: keyword } },
            /** Every varbind as `{oid, name, type, value, label}`: flattened keeps each searchable. */
            varbinds: wireKeys,
            /** Varbind values keyed by translated name (`ifAdminStatus.3`). */
            values: wireKeys,
            // Polls (metrics-sentinel.snmp-*).
            device: keyword,
            address: keyword,
            site: keyword,
            state: keyword,
            previous_state: keyword,
            table: keyword,
            index: keyword,
            uptime_ticks: { type: 'long' },
            labels: wireKeys,
            metrics: { dynamic: true, properties: snmpNumbers() },
            rates: { dynamic: true, properties: snmpNumbers() },
          },
        },
        /**
         * Alert history (logs-sentinel.alert-*): one document each time a correlation alert fires
         * or resolves. The rule is in ECS `rule.*`, the device in `host.name`.
         */
        alert: {
          properties: {
            /** `<rule id>:<group key hash>`: the same id for the firing and resolved documents. */
            id: keyword,
            status: keyword,
            severity: keyword,
            /** Matching events counted while it was active. */
            count: { type: 'long' },
            /** Group-by field -> value, and the Alertmanager labels and annotations. */
            group_key: wireKeys,
            labels: wireKeys,
            annotations: wireKeys,
            evidence: {
              properties: {
                /** `_id`s of the newest matching events. */
                event_ids: keyword,
                query: { type: 'keyword', ignore_above: 8191 },
                url: { type: 'keyword', ignore_above: 8191 },
              },
            },
          },
        },
        /** Why the Elasticsearch sink dead-lettered an event (logs-sentinel.deadletter-*). */
        deadletter: {
          properties: {
            reason: keyword,
            status: { type: 'long' },
            index: keyword,
            event_id: keyword,
          },
        },
      },
    },
  }
}
