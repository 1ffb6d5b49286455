/**
 * @module Rule file schema (docs/correlation-rules.md): a `rules:` list whose entries are a union
 * discriminated by `kind`. Unknown keys are errors; defaults are applied by validation. Filters and
 * templates are their own small languages, checked key by key when a rule is compiled.
 */
import { Type, type Static } from '@sinclair/typebox'

export const RULE_KINDS = ['threshold', 'distinct_count', 'sequence', 'absence', 'join'] as const
export type RuleKind = (typeof RULE_KINDS)[number]

export const SEVERITIES = ['critical', 'warning', 'info'] as const

/** Most events (threshold, min_count) or values (distinct) a rule may count per group key. */
export const MAX_COUNT = 10_000
/** Most steps of a sequence or parts of a join. */
export const MAX_PARTS = 16

const RuleId = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,63}$',
  description: 'lower-case letters, digits and _, starting with a letter, at most 64 characters',
})

const FieldPath = Type.String({ minLength: 1, description: 'an ECS field path such as source.ip' })

const Duration = Type.String({ minLength: 1, description: 'a duration such as 30s, 10m, 1h30m, 1d' })

/** Checked by filter.ts, which names the offending key. */
const Filter = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  description: 'a filter: field path -> condition, plus all, any, not',
})

const Count = (description: string) => Type.Integer({ minimum: 1, maximum: MAX_COUNT, description })

const common = {
  id: RuleId,
  name: Type.String({ minLength: 1, description: 'Human name, e.g. Brute-force login.' }),
  alertname: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: 'letters, digits and _, not starting with a digit',
    }),
  ),
  description: Type.Optional(Type.String({ description: 'What the rule detects and why it matters.' })),
  severity: Type.Unsafe<(typeof SEVERITIES)[number]>({ type: 'string', enum: [...SEVERITIES] }),
  team: Type.Optional(Type.String({ minLength: 1, description: 'team label for Alertmanager routing' })),
  labels: Type.Optional(
    Type.Record(
      Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
      Type.String({ description: 'a label value' }),
      {
        additionalProperties: false,
        description: 'a label name: letters, digits and _, not starting with a digit',
      },
    ),
  ),
  group_by: Type.Optional(Type.Array(FieldPath, { maxItems: 8, uniqueItems: true })),
  suppress_for: Type.String({ default: '0s', description: 'a duration such as 0s, 10m, 1h' }),
  summary: Type.Optional(Type.String({ minLength: 1 })),
  runbook_url: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'a runbook link: an http(s) URL, or a path such as alerting/README.md#bruteforcelogin',
    }),
  ),
  enabled: Type.Boolean({ default: true }),
}

const Named = { name: Type.String({ minLength: 1, description: 'a name for messages and summaries' }) }

export const ThresholdRule = Type.Object(
  {
    ...common,
    kind: Type.Literal('threshold'),
    filter: Filter,
    window: Duration,
    threshold: Count('matching events per group key within the window'),
  },
  { additionalProperties: false },
)

export const DistinctCountRule = Type.Object(
  {
    ...common,
    kind: Type.Literal('distinct_count'),
    filter: Filter,
    window: Duration,
    distinct: FieldPath,
    threshold: Count('distinct values per group key within the window'),
  },
  { additionalProperties: false },
)

export const SequenceRule = Type.Object(
  {
    ...common,
    kind: Type.Literal('sequence'),
    steps: Type.Array(Type.Object({ ...Named, filter: Filter }, { additionalProperties: false }), {
      minItems: 2,
      maxItems: MAX_PARTS,
    }),
    window: Duration,
  },
  { additionalProperties: false },
)

export const AbsenceRule = Type.Object(
  {
    ...common,
    kind: Type.Literal('absence'),
    filter: Filter,
    window: Duration,
    expect: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'group-key values watched from the start (one group_by field)',
      }),
    ),
  },
  { additionalProperties: false },
)

export const JoinRule = Type.Object(
  {
    ...common,
    kind: Type.Literal('join'),
    parts: Type.Array(
      Type.Object(
        {
          ...Named,
          filter: Filter,
          min_count: Type.Integer({ minimum: 1, maximum: MAX_COUNT, default: 1 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: MAX_PARTS },
    ),
    window: Duration,
  },
  { additionalProperties: false },
)

export type ThresholdRule = Static<typeof ThresholdRule>
export type DistinctCountRule = Static<typeof DistinctCountRule>
export type SequenceRule = Static<typeof SequenceRule>
export type AbsenceRule = Static<typeof AbsenceRule>
export type JoinRule = Static<typeof JoinRule>
/** A rule as written, after validation and defaults. */
export type RuleDefinition = ThresholdRule | DistinctCountRule | SequenceRule | AbsenceRule | JoinRule

/**
 * One rule: `oneOf` + `discriminator` (ajv option `discriminator: true`) so only the branch `kind`
 * names is validated, and its defaults applied.
 */
export const RuleDefinition = Type.Unsafe<RuleDefinition>({
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [ThresholdRule, DistinctCountRule, SequenceRule, AbsenceRule, JoinRule],
})

export const RuleFile = Type.Object(
  { rules: Type.Array(RuleDefinition, { description: 'the rules of this file' }) },
  { additionalProperties: false },
)
export type RuleFile = Static<typeof RuleFile>
