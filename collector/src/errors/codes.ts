/**
 * @module Coded errors: every error Sentinel reports has a stable code, a message template and,
 * at the API boundary, an HTTP status. Codes are never reused; `docs/errors.md` lists each one
 * and a parity test keeps the two in step.
 */

interface ErrorSpec {
  /** HTTP status when the error crosses the API boundary. */
  readonly status: number
  /** Message template; `%s` placeholders are filled in order. */
  readonly message: string
}

/** Errors raised by the collector (configuration, start-up, API). */
export const ERRORS = {
  SNT_ERR_CONFIG_INVALID: { status: 500, message: 'Invalid configuration: %s' },
  SNT_ERR_CONFIG_READ: { status: 500, message: 'Cannot read configuration file %s: %s' },
  SNT_ERR_CONFIG_SECRET: { status: 500, message: 'Cannot resolve secret %s: %s' },
  SNT_ERR_LISTEN: { status: 500, message: 'Cannot listen on %s: %s' },
  SNT_ERR_TLS_CONFIG: { status: 500, message: 'Invalid TLS settings for %s: %s' },
  SNT_ERR_SPOOL_OPEN: { status: 500, message: 'Cannot open spool at %s: %s' },
  SNT_ERR_SPOOL_LOCKED: { status: 500, message: 'Spool at %s is in use by process %s' },
  SNT_ERR_SPOOL_FULL: { status: 503, message: 'Spool is full (%s of %s bytes used)' },
  SNT_ERR_API_BAD_REQUEST: { status: 400, message: 'Bad request: %s' },
  SNT_ERR_API_NOT_FOUND: { status: 404, message: 'No route %s %s' },
  SNT_ERR_INTERNAL: { status: 500, message: 'Internal error: %s' },
  SNT_ERR_API_NOT_READY: { status: 503, message: 'Not ready: %s' },
  SNT_ERR_API_DEVICE_NOT_FOUND: { status: 404, message: 'No SNMP device %s in the inventory' },
  SNT_ERR_API_CONFLICT: { status: 409, message: 'Conflict: %s' },
  SNT_ERR_RULES_INVALID: { status: 400, message: 'Invalid correlation rules: %s' },
  SNT_ERR_RULES_STATE: { status: 500, message: 'Cannot restore the rule engine state: %s' },
  SNT_ERR_SETUP_ALERTING: { status: 500, message: 'Alerting setup incomplete: %s' },
  SNT_ERR_TEMPLATES_STATE: { status: 500, message: 'Cannot restore the template miner state: %s' },
  SNT_ERR_MODEL_INVALID: { status: 400, message: 'Invalid anomaly model %s: %s' },
  SNT_ERR_MODEL_REGISTRY: { status: 500, message: 'Model registry at %s: %s' },
  SNT_ERR_SERIES_INPUT: { status: 400, message: 'Invalid series input %s: %s' },
  SNT_ERR_ML_WORKER: { status: 503, message: 'ML worker thread %s' },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

/**
 * Codes parsers put in `error.code` of the events they could not fully parse.
 * The event still flows on with `event.original` kept.
 */
export const PARSE_ERRORS = {
  SNT_PARSE_EMPTY: 'Empty message',
  SNT_PARSE_PRI: 'Missing or invalid PRI part',
  SNT_PARSE_RFC5424_HEADER: 'Invalid RFC 5424 header',
  SNT_PARSE_RFC5424_SD: 'Invalid RFC 5424 structured data',
  SNT_PARSE_RFC3164_HEADER: 'Invalid RFC 3164 header',
  SNT_PARSE_TIMESTAMP: 'Invalid timestamp',
  SNT_PARSE_CEF: 'Invalid CEF message',
  SNT_PARSE_LEEF: 'Invalid LEEF message',
  SNT_PARSE_JSON: 'Invalid JSON message',
  SNT_PARSE_FORMAT: 'Message does not match the listener format',
  SNT_PARSE_INTERNAL: 'Parser failed unexpectedly',
} as const

export type ParseErrorCode = keyof typeof PARSE_ERRORS

/**
 * Codes listeners count in `sentinel_component_errors_total{error_code}` (stage `receiving`):
 * problems with connections and framing, where no event exists yet to carry them.
 */
export const RECEIVE_ERRORS = {
  SNT_FRAMING_OCTET_COUNT: 'Invalid octet count (RFC 6587); switched to newline framing for this connection',
  SNT_FRAMING_INCOMPLETE: 'Connection closed after an octet count, before any message byte',
  SNT_SOURCE_TLS_HANDSHAKE:
    'TLS handshake with a sender failed (bad or missing client certificate, protocol)',
  SNT_SOURCE_MAX_CONNECTIONS: 'Connection refused: the listener is at max_connections',
  SNT_SOURCE_SOCKET: 'Socket error on a connection or the listening socket',
  SNT_SOURCE_SNMP_AUTH:
    'SNMP trap rejected: unknown community or v3 user, wrong v3 key, or a security level the user does not allow',
  SNT_SOURCE_SNMP_DECODE: 'SNMP datagram could not be decoded (not BER, unsupported version or PDU type)',
} as const

export type ReceiveErrorCode = keyof typeof RECEIVE_ERRORS

/** An error with a stable code; `status` is what the API answers. */
export class SentinelError extends Error {
  readonly code: ErrorCode
  readonly status: number

  constructor(code: ErrorCode, args: readonly string[] = [], options?: { cause?: unknown }) {
    super(formatMessage(ERRORS[code].message, args), options)
    this.name = 'SentinelError'
    this.code = code
    this.status = ERRORS[code].status
  }
}

function formatMessage(template: string, args: readonly string[]): string {
  let i = 0
  return template.replace(/%s/g, () => args[i++] ?? '')
}
