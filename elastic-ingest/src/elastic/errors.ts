/**
 * @module Coded errors of `sentinel setup elastic`. Messages name the cluster URL (credentials
 * stripped) and never a secret.
 */

/** Codes, message templates and the exit status the CLI uses. */
export const ELASTIC_SETUP_ERRORS = {
  SNT_ERR_ELASTIC_UNREACHABLE: 'Cannot reach Elasticsearch at %s: %s',
  SNT_ERR_ELASTIC_AUTH:
    'Elasticsearch at %s refused the credentials (401): check the API key or user and password',
  SNT_ERR_ELASTIC_FORBIDDEN:
    'Elasticsearch at %s refused %s (403): the user or API key needs the cluster privileges manage_index_templates and manage_ilm',
  SNT_ERR_ELASTIC_REJECTED: 'Elasticsearch at %s rejected %s (%s): %s',
  SNT_ERR_ELASTIC_NOT_ELASTICSEARCH: 'The server at %s is not Elasticsearch: %s',
  SNT_ERR_ELASTIC_OPTIONS: 'Invalid setup options: %s',
} as const

export type ElasticSetupErrorCode = keyof typeof ELASTIC_SETUP_ERRORS

/** A failed `setupElastic`: a stable `code`, a message naming the URL, the client error as `cause`. */
export class ElasticSetupError extends Error {
  readonly code: ElasticSetupErrorCode

  constructor(code: ElasticSetupErrorCode, args: readonly string[], options?: { cause?: unknown }) {
    let i = 0
    super(
      ELASTIC_SETUP_ERRORS[code].replace(/%s/g, () => args[i++] ?? ''),
      options,
    )
    this.name = 'ElasticSetupError'
    this.code = code
  }
}

/** `url` without user info, query or fragment, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    parsed.search = ''
    parsed.hash = ''
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '<invalid URL>'
  }
}
