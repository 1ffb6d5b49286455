/**
 * @module Rate-limited source logging: repeated warnings of one kind (a flood of failed TLS handshakes,
 * a sender with broken framing) log at most once per interval, with the count suppressed since.
 */
import { LogRateLimit } from '../telemetry/log-rate-limit.js'

/** The subset of a pino logger the sources use: fields first, then a capitalised sentence. */
export interface SourceLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface LogLimiterOptions {
  /** Minimum time between two lines of one kind (ms). Default 10 s. */
  intervalMs?: number
  /** Clock, for tests. */
  now?: () => number
}

/**
 * Logs a kind of warning at most once per interval; the next line that gets through carries
 * `suppressed`, the number of lines held back since the previous one.
 *
 * @example
 * const limited = new LogLimiter(logger)
 * limited.warn('tls_handshake', { source_id, error: err.message }, 'TLS handshake failed.')
 */
export class LogLimiter {
  readonly #logger: SourceLogger
  readonly #intervalMs: number
  readonly #now: () => number
  readonly #kinds = new Map<string, LogRateLimit>()

  constructor(logger: SourceLogger, options: LogLimiterOptions = {}) {
    this.#logger = logger
    this.#intervalMs = options.intervalMs ?? 10_000
    this.#now = options.now ?? Date.now
  }

  warn(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.#log('warn', kind, fields, msg)
  }

  error(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.#log('error', kind, fields, msg)
  }

  #log(level: 'warn' | 'error', kind: string, fields: Record<string, unknown>, msg: string): void {
    let limit = this.#kinds.get(kind)
    if (!limit) this.#kinds.set(kind, (limit = new LogRateLimit(this.#intervalMs)))
    const suppressed = limit.pass(this.#now())
    if (suppressed === undefined) return
    this.#logger[level](suppressed > 0 ? { ...fields, suppressed } : fields, msg)
  }
}
