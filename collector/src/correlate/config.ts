/** @module Correlation config: which rules to load and how much state the engine may keep. */
import { Type, type Static } from '@sinclair/typebox'

export const CorrelateConfig = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Run the rule engine on every event once it is in the spool.',
    }),
    packs: Type.Array(Type.String({ pattern: '^(\\*|[a-z0-9][a-z0-9_-]{0,63})$' }), {
      default: ['*'],
      description:
        'Shipped rule packs to load, by file name in alerting/rules without .yml (e.g. brute-force); ["*"]: all of them, []: none.',
    }),
    rule_files: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'Your own rule files (YAML, format in docs/correlation-rules.md); `*` globs in the file name are allowed. Relative paths are from the working directory.',
    }),
    max_keys_per_rule: Type.Integer({
      minimum: 1,
      default: 10_000,
      description:
        'Group keys (e.g. source addresses) each rule tracks at once. At the cap the least recently seen key without a firing alert is evicted (counted).',
    }),
    evidence_events: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 20,
      description: 'Ids of the newest matching events each alert keeps as evidence.',
    }),
    snapshot_interval_secs: Type.Integer({
      minimum: 1,
      default: 10,
      description:
        'Save the rule state this often; after a restart the events spooled since the last save are replayed.',
    }),
    kibana_url: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description:
          'Kibana base URL (e.g. https://kibana.example.net:5601): alerts then carry an evidence_url that opens the matching events in Discover.',
      }),
    ),
  },
  { additionalProperties: false, default: {} },
)

export type CorrelateConfig = Static<typeof CorrelateConfig>
