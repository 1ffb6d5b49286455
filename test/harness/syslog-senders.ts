/**
 * @module Real syslog senders for tests: util-linux `logger`, and octet-counted framing for
 * hand-written streams (RFC 6587 §3.4.1).
 */
import { spawn } from 'node:child_process'
import { binary, requireBinary, type Requirement } from './requirements.js'

export const LOGGER_REQUIREMENTS: readonly Requirement[] = [binary('logger', 'bsdutils')]

export interface RunLoggerOptions {
  /** Written to logger's stdin: with no message argument, each line becomes one message. */
  input?: string
  /** Extra environment (e.g. `TZ: 'UTC'` so RFC 3164 stamps are in UTC). */
  env?: NodeJS.ProcessEnv
}

/**
 * Run `logger` with `args`; rejects with its stderr when it exits non-zero (e.g. TCP to a closed
 * port). See shared/SERVICES.md §3 for the exact bytes each option produces.
 *
 * @example await runLogger(['--rfc5424', '-n', '127.0.0.1', '-P', String(port), '-d', '-t', 'app', 'hello'])
 */
export async function runLogger(args: readonly string[], options: RunLoggerOptions = {}): Promise<void> {
  const logger = await requireBinary('logger')
  await new Promise<void>((resolve, reject) => {
    const child = spawn(logger, [...args], {
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
      timeout: 15_000,
    })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (code === 0) resolve()
      else reject(new Error(`logger ${args.join(' ')} exited ${code ?? signal}: ${stderr.trim()}`))
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** `<len> <msg>`: one octet-counted frame; the length counts bytes, not characters. */
export function octetFrame(message: string | Buffer): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body])
}
