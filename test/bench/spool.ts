/**
 * @module Spool micro-benchmark: appends of 1,000-event batches of ~500-byte JSON for about two
 * seconds (fsync every second, as the collector runs it), then one reader reading it all back.
 * `npm run bench` writes the figures into its JSON report.
 */
import { Spool } from '../../collector/src/spool/spool.js'

const BATCH_EVENTS = 1_000
const EVENT_BYTES = 500
const APPEND_SECONDS = 2

/** A ~500-byte ECS-like JSON document, numbered so no two are identical. */
function payload(n: number): Buffer {
  const doc = {
    '@timestamp': '2026-11-21T10:17:01.123Z',
    event: { kind: 'event', category: ['network'], action: 'connection-denied', original: '' },
    source: { ip: '203.0.113.45', port: 51234 },
    destination: { ip: '10.1.2.3', port: 22 },
    observer: { hostname: 'asa-fw01', vendor: 'Cisco', product: 'ASA' },
    message: `%ASA-4-106023: Deny tcp src outside:203.0.113.45/51234 dst inside:10.1.2.3/22 by access-group "outside_in" n=${n}`,
  }
  const text = JSON.stringify(doc)
  doc.event.original = 'x'.repeat(Math.max(0, EVENT_BYTES - text.length))
  return Buffer.from(JSON.stringify(doc))
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

/**
 * Append and read throughput of a spool in `dir` (which the caller removes afterwards).
 *
 * @example
 * const { appendEventsPerSecond, appendP99Ms } = await benchSpool(await mkdtemp(join(tmpdir(), 'spool-')))
 */
export async function benchSpool(
  dir: string,
): Promise<{ appendEventsPerSecond: number; readEventsPerSecond: number; appendP99Ms: number }> {
  const spool = await Spool.open({
    dir,
    maxBytes: 16 * 1024 ** 3,
    segmentBytes: 64 * 1024 ** 2,
    whenFull: 'block',
    fsyncIntervalMs: 1000,
  })
  try {
    const batch = Array.from({ length: BATCH_EVENTS }, (_, i) => payload(i))
    for (let i = 0; i < 20; i++) await spool.append(batch) // warm up
    const latenciesMs: number[] = []
    let appended = 0
    const start = process.hrtime.bigint()
    const deadline = start + BigInt(APPEND_SECONDS * 1e9)
    let now = start
    while (now < deadline) {
      await spool.append(batch)
      const after = process.hrtime.bigint()
      latenciesMs.push(Number(after - now) / 1e6)
      appended += BATCH_EVENTS
      now = after
    }
    const appendSeconds = Number(now - start) / 1e9
    latenciesMs.sort((a, b) => a - b)

    const reader = await spool.openReader('bench')
    let read = 0
    const readStart = process.hrtime.bigint()
    for (
      let records = await reader.read(BATCH_EVENTS);
      records.length > 0;
      records = await reader.read(BATCH_EVENTS)
    ) {
      read += records.length
    }
    const readSeconds = Number(process.hrtime.bigint() - readStart) / 1e9
    if (read !== appended + 20 * BATCH_EVENTS)
      throw new Error(`read ${read} events, appended ${appended + 20 * BATCH_EVENTS}`)

    return {
      appendEventsPerSecond: Math.round(appended / appendSeconds),
      readEventsPerSecond: Math.round(read / readSeconds),
      appendP99Ms: Math.round(percentile(latenciesMs, 99) * 1000) / 1000,
    }
  } finally {
    await spool.close()
  }
}
