/**
 * @module Alertmanager sink config: which Alertmanagers get the alerts, how to authenticate, how
 * often firing alerts are re-sent, and how failed requests are retried.
 */
import { Type, type Static } from '@sinclair/typebox'

export const AlertmanagerSinkConfig = Type.Object(
  {
    urls: Type.Array(
      Type.String({
        pattern: '^https?://',
        description: 'Alertmanager base URL (with its path prefix, if any), e.g. http://alertmanager:9093.',
      }),
      {
        minItems: 1,
        description:
          'Alertmanager URLs. Every alert goes to each of them, as Prometheus does for a high-availability pair; list every member of the cluster.',
      },
    ),
    timeout_ms: Type.Integer({
      minimum: 1,
      default: 10_000,
      description:
        'Give up on one request after this long (it is retried). Also bounds the last flush at stop.',
    }),
    resend_interval_secs: Type.Number({
      exclusiveMinimum: 0,
      default: 60,
      description:
        'Firing alerts are sent again this often, so that Alertmanager keeps them (each one it gets ends 4 intervals later unless renewed, so the alerts of a dead collector expire).',
    }),
    max_batch_alerts: Type.Integer({
      minimum: 1,
      default: 64,
      description: 'Most alerts in one request (Prometheus sends 64).',
    }),
    max_queued_alerts: Type.Integer({
      minimum: 1,
      default: 10_000,
      description:
        'Most distinct alerts waiting for one Alertmanager; beyond it the oldest waiting alert is dropped and counted in sentinel_alertmanager_alerts_dropped_total{reason="queue_full"}.',
    }),
    retry: Type.Object(
      {
        max_retries: Type.Integer({
          minimum: 0,
          default: 10,
          description:
            'Retries of a request that failed with a network error, a timeout, 429 or 5xx; then its alerts are dropped (firing ones come back with the next re-send).',
        }),
        initial_backoff_ms: Type.Integer({
          minimum: 1,
          default: 500,
          description: 'First wait before a retry.',
        }),
        max_backoff_ms: Type.Integer({
          minimum: 1,
          default: 30_000,
          description: 'Longest wait between retries (exponential, with jitter).',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    basic_auth: Type.Optional(
      Type.Object(
        {
          username: Type.String({ description: 'Basic auth user.' }),
          password: Type.String({
            description: 'Basic auth password; use ${env:NAME} or ${file:PATH}.',
            secret: true,
          }),
        },
        { additionalProperties: false, description: 'HTTP basic auth; not together with bearer_token.' },
      ),
    ),
    bearer_token: Type.Optional(
      Type.String({
        description:
          'Sent as `Authorization: Bearer <token>`; use ${env:NAME} or ${file:PATH}. Not together with basic_auth.',
        secret: true,
      }),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          ca_file: Type.Optional(
            Type.String({
              description: 'PEM CA bundle that signed the Alertmanager certificate (https URLs).',
            }),
          ),
          verify_certificate: Type.Boolean({
            default: true,
            description: 'Verify the Alertmanager certificate (never turn off in production).',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    public_url: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description:
          "Base URL of this collector's API as operators reach it; alerts link back to it (generatorURL). Default: derived from api.listen.",
      }),
    ),
  },
  { additionalProperties: false },
)
export type AlertmanagerSinkConfig = Static<typeof AlertmanagerSinkConfig>
