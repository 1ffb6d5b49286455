/** @module ML config: log templates, the anomaly model's training and scoring, and the SNMP series detectors. */
import { Type, type Static } from '@sinclair/typebox'

export const MlConfig = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description:
        'Mine a template for every log event (sentinel.template.*) and score events and SNMP series for anomalies (sentinel.anomaly.*).',
    }),
    thread: Type.Union([Type.Literal('auto'), Type.Literal('worker'), Type.Literal('inline')], {
      default: 'auto',
      description:
        'Where the ML stage runs: `worker`, a thread of its own, so the event loop keeps about 2.5 µs per event of its work (more throughput where a core is free for it); `inline`, on the event loop (lowest latency on one or two cores); `auto`: worker when the collector may use 4 cores or more.',
    }),
    window_secs: Type.Integer({
      minimum: 60,
      maximum: 3600,
      multipleOf: 60,
      default: 300,
      description: 'Per-device window the event features count over (whole minutes).',
    }),
    max_devices: Type.Integer({
      minimum: 1,
      default: 10_000,
      description: 'Devices whose windows are tracked; beyond it the least recently active one is forgotten.',
    }),
    max_templates: Type.Integer({
      minimum: 100,
      default: 10_000,
      description: 'Log templates kept; at the cap the least recently matched one is evicted (counted).',
    }),
    training: Type.Object(
      {
        min_events: Type.Integer({
          minimum: 100,
          default: 10_000,
          description:
            'Log events to collect before the first model is trained; until then events carry templates but no score.',
        }),
        min_period_secs: Type.Integer({
          minimum: 60,
          default: 3600,
          description:
            'Time to learn from before the first model is trained (with at least min_events seen), so it knows full windows and more than a moment of the day.',
        }),
        sample_rows: Type.Integer({
          minimum: 1000,
          maximum: 1_000_000,
          default: 50_000,
          description:
            'Feature rows kept (a uniform sample of everything since the last training) to train the next model on.',
        }),
        interval_secs: Type.Integer({
          minimum: 60,
          default: 86_400,
          description: 'Train a new model this often, on the events since the last training.',
        }),
        promote: Type.Union([Type.Literal('active'), Type.Literal('shadow')], {
          default: 'active',
          description:
            'What a scheduled retraining does with its model: make it active (the previous one stays for `sentinel ml rollback`), or run it as the shadow beside the active one until you promote it.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    explain: Type.Object(
      {
        min_score: Type.Number({
          minimum: 0,
          maximum: 1,
          default: 0.6,
          description:
            'Events scoring at least this carry sentinel.anomaly.top_features (why they scored high).',
        }),
        top_features: Type.Integer({
          minimum: 1,
          maximum: 13,
          default: 3,
          description: 'Features named per event.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    max_series: Type.Integer({
      minimum: 1,
      default: 10_000,
      description:
        'SNMP series (device, metric, table row) the metric detectors learn (about 2 KB each); beyond it the least recently updated one is forgotten.',
    }),
    snapshot_interval_secs: Type.Integer({
      minimum: 1,
      default: 10,
      description:
        'Save the template miner state this often (under data_dir/ml); the slower-moving series baselines are saved every 30 snapshots and at stop.',
    }),
  },
  { additionalProperties: false, default: {} },
)

export type MlConfig = Static<typeof MlConfig>
