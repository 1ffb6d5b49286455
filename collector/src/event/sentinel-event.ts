/**
 * @module SentinelEvent: the Elastic Common Schema document every input becomes.
 *
 * ECS field groups come from `@elastic/ecs`; Sentinel's own fields live under `sentinel.*`.
 */
import type { Ecs, EcsLog, EcsVersion } from '@elastic/ecs'

/** ECS `log.syslog.*` (the package types it loosely as a record). */
export interface LogSyslog {
  appname?: string
  hostname?: string
  msgid?: string
  procid?: string
  priority?: number
  version?: string
  facility?: { code?: number; name?: string }
  severity?: { code?: number; name?: string }
  /** RFC 5424 structured data: SD-ID -> param name -> value (repeated params become arrays). */
  structured_data?: Record<string, Record<string, string | string[]>>
}

/** Fields that are Sentinel's own. */
export interface SentinelFields {
  /** Listener name from the config. */
  source_id?: string
  /** The parser that produced this event (`rfc5424`, `cef`, ...). */
  format?: string
  transport?: string
  /** The frame was cut to the listener's `max_length`. */
  truncated?: boolean
  /** CEF/LEEF/JSON keys that have no ECS field, kept verbatim. */
  extensions?: Record<string, unknown>
  [key: string]: unknown
}

/** The ECS document Sentinel emits, plus `sentinel.*`. */
export type SentinelEvent = Omit<Ecs, 'ecs' | 'log'> & {
  '@timestamp': string
  ecs: { version: string }
  log?: Omit<EcsLog, 'syslog'> & { syslog?: LogSyslog }
  sentinel: SentinelFields
}

/**
 * ECS version the documents declare. Typed by the package's own constant, so upgrading
 * `@elastic/ecs` without updating this fails the type check (importing the value would load
 * the whole ECS field table at start-up).
 */
export const ECS_VERSION: typeof EcsVersion = '9.4.0'
