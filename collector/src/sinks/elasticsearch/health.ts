/**
 * @module Elasticsearch reachability: the `sentinel_sink_up` gauge and the log lines about outages
 * (../destination-health.ts), in Elasticsearch's words. Failures only the operator can fix are
 * logged at ERROR.
 */
import { DestinationHealth, type DestinationHealthOptions, type OutageLine } from '../destination-health.js'
import type { RetryReason } from './retry.js'

export interface SinkHealthOptions extends Omit<
  DestinationHealthOptions<RetryReason>,
  'fields' | 'recovered' | 'outage'
> {
  /** The `sink` field of every line. */
  sink: string
}

/**
 * Tracks whether the cluster answers; `up()` when a request got an HTTP answer, `down()` when it
 * failed as a whole. Messages never carry the credentials themselves.
 *
 * @example
 * const health = new SinkHealth({ sink: 'elasticsearch', logger, setUp: (v) => metrics.sinkUp.set({ sink: 'elasticsearch' }, v) })
 * health.down('network', 'connect ECONNREFUSED 127.0.0.1:9200', 500)
 * health.up() // logs the recovery once
 */
export class SinkHealth extends DestinationHealth<RetryReason> {
  constructor({ sink, ...options }: SinkHealthOptions) {
    super({
      ...options,
      fields: { sink },
      recovered: 'Elasticsearch answers again; delivering the backlog from the spool.',
      outage: outageLine,
    })
  }
}

/** `auth` (401/403) and `index_not_found` need the operator: ERROR, saying what to fix. */
function outageLine(reason: RetryReason): OutageLine {
  if (reason === 'auth') {
    return {
      level: 'error',
      message:
        'Elasticsearch refused the credentials; fix auth in sinks.elasticsearch. Events wait in the spool.',
    }
  }
  if (reason === 'index_not_found') {
    return {
      level: 'error',
      message:
        'Elasticsearch has no index template for the data stream; run `sentinel setup elastic`. Events wait in the spool.',
    }
  }
  return { level: 'warn', message: 'Elasticsearch is unavailable; retrying. Events wait in the spool.' }
}
