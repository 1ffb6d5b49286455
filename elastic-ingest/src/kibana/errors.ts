/**
 * @module Coded errors of `sentinel setup kibana`. Messages name the Kibana URL (origin and path,
 * never credentials) and what to do next; they never include an API key or password.
 */

/** Error codes, with the operator action each one asks for. */
export const KIBANA_SETUP_ERRORS = {
  SNT_ERR_KIBANA_OPTIONS: 'Invalid Kibana setup options: %s',
  SNT_ERR_KIBANA_UNREACHABLE: 'Cannot reach Kibana at %s: %s',
  SNT_ERR_KIBANA_AUTH: 'Kibana at %s refused the credentials (HTTP %s): %s',
  SNT_ERR_KIBANA_REJECTED: 'Kibana at %s rejected the saved-objects import (HTTP %s): %s',
  SNT_ERR_KIBANA_RESPONSE: 'Kibana at %s answered the import with an unexpected body: %s',
} as const

export type KibanaSetupErrorCode = keyof typeof KIBANA_SETUP_ERRORS

/** A failed `setupKibana`; `status` is Kibana's HTTP status when it answered. */
export class KibanaSetupError extends Error {
  override readonly name = 'KibanaSetupError'
  readonly code: KibanaSetupErrorCode
  readonly status: number | undefined

  constructor(
    code: KibanaSetupErrorCode,
    args: ReadonlyArray<string | number>,
    options?: { status?: number; cause?: unknown },
  ) {
    let n = 0
    super(
      KIBANA_SETUP_ERRORS[code].replace(/%s/g, () => String(args[n++] ?? '')),
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    )
    this.code = code
    this.status = options?.status
  }
}
