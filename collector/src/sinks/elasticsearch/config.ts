/** @module Elasticsearch sink config: where to send, how to authenticate, how to batch and retry. */
import { Type, type Static } from '@sinclair/typebox'

export const ElasticsearchSinkConfig = Type.Object(
  {
    endpoints: Type.Array(
      Type.String({ pattern: '^https?://', description: 'Cluster URL, e.g. https://es.example.net:9200.' }),
      {
        minItems: 1,
        description: 'Elasticsearch URLs; requests are spread over them and fail over between them.',
      },
    ),
    namespace: Type.String({
      default: 'default',
      pattern: '^[a-z0-9_]{1,100}$',
      description: 'Data stream namespace: events go to logs-sentinel.<dataset>-<namespace>.',
    }),
    auth: Type.Optional(
      Type.Object(
        {
          api_key: Type.Optional(
            Type.String({
              description: 'Encoded API key (id:key base64); use ${env:NAME} or ${file:PATH}.',
              secret: true,
            }),
          ),
          username: Type.Optional(Type.String({ description: 'Basic auth user.' })),
          password: Type.Optional(
            Type.String({
              description: 'Basic auth password; use ${env:NAME} or ${file:PATH}.',
              secret: true,
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          ca_file: Type.Optional(
            Type.String({ description: 'PEM CA bundle that signed the cluster certificate.' }),
          ),
          verify_certificate: Type.Boolean({
            default: true,
            description: 'Verify the cluster certificate (never turn off in production).',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    batch: Type.Object(
      {
        max_events: Type.Integer({
          minimum: 1,
          default: 5_000,
          description: 'Most events in one bulk request.',
        }),
        max_bytes: Type.Integer({
          minimum: 1024,
          default: 10_000_000,
          description: 'Most bytes in one bulk request body.',
        }),
        timeout_secs: Type.Number({
          exclusiveMinimum: 0,
          default: 1,
          description: 'Send a partial batch after this long.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    max_in_flight: Type.Integer({
      minimum: 1,
      maximum: 64,
      default: 2,
      description: 'Bulk requests outstanding at once.',
    }),
    request_timeout_secs: Type.Number({
      exclusiveMinimum: 0,
      default: 30,
      description: 'Give up on one request after this long (it is retried).',
    }),
    retry: Type.Object(
      {
        initial_backoff_ms: Type.Integer({
          minimum: 1,
          default: 500,
          description: 'First wait before retrying 429/5xx/network errors.',
        }),
        max_backoff_ms: Type.Integer({
          minimum: 1,
          default: 30_000,
          description: 'Longest wait between retries (exponential, with jitter).',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
)
export type ElasticsearchSinkConfig = Static<typeof ElasticsearchSinkConfig>
