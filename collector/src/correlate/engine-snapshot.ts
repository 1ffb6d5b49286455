/**
 * @module Engine snapshots: the JSON-safe state of every rule (group keys, their condition state,
 * evidence and active alerts), tagged with the hash of the rule definition it belongs to. The
 * schema is checked before a restore changes anything; each kind checks its own `state`.
 */
import { Type, type Static } from '@sinclair/typebox'

const Time = Type.Number()
const NullableTime = Type.Union([Type.Number(), Type.Null()])
const NullableText = Type.Union([Type.String(), Type.Null()])

export const AlertSnapshot = Type.Object(
  {
    id: Type.String(),
    startsAt: Time,
    labels: Type.Record(Type.String(), Type.String()),
    triggeredByArrival: Time,
    query: Type.String(),
    /** null: every evidence event (absence). */
    evidenceAfter: NullableTime,
    addedAtFire: Type.Integer({ minimum: 0 }),
    count: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
)
export type AlertSnapshot = Static<typeof AlertSnapshot>

export const KeySnapshot = Type.Object(
  {
    values: Type.Array(Type.String()),
    lastUpdate: Time,
    /** When the key last moved to the end of its rule's list (group-keys.ts). */
    movedAt: Time,
    suppressedUntil: NullableTime,
    suppressCounted: Type.Boolean(),
    device: NullableText,
    site: NullableText,
    fields: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
    evidence: Type.Object(
      { ids: Type.Array(Type.String()), times: Type.Array(Time) },
      { additionalProperties: false },
    ),
    /** The kind's own state, checked by its condition. */
    state: Type.Unknown(),
    alert: Type.Union([AlertSnapshot, Type.Null()]),
  },
  { additionalProperties: false },
)
export type KeySnapshot = Static<typeof KeySnapshot>

export const RuleSnapshot = Type.Object(
  {
    ruleId: Type.String(),
    hash: Type.String(),
    /** absence: whether the `expect` keys are watched already. */
    watching: Type.Boolean(),
    /** In the rule's list order: least recently moved first. */
    keys: Type.Array(KeySnapshot),
  },
  { additionalProperties: false },
)
export type RuleSnapshot = Static<typeof RuleSnapshot>

export const EngineSnapshot = Type.Object(
  { version: Type.Literal(1), rules: Type.Array(RuleSnapshot) },
  { additionalProperties: false },
)
export type EngineSnapshot = Static<typeof EngineSnapshot>
