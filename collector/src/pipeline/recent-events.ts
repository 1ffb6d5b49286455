/**
 * @module Recent events: a bounded window of the last N committed events for
 * `GET /api/v1/events`. Events are kept as their JSON bytes (what the spool stored) and parsed
 * only when someone asks, so the hot path pays one reference per event.
 */
import type { SentinelEvent } from '../event/sentinel-event.js'

export interface RecentEventFilter {
  source_id?: string
  'host.name'?: string
  'log.level'?: string
  'event.kind'?: string
  /** Case-insensitive substring of `message`. */
  q?: string
  /** Only events whose @timestamp is at or after this instant (ms). */
  sinceMs?: number
}

export interface RecentEvent {
  seq: number
  event: SentinelEvent
}

export class RecentEvents {
  readonly #capacity: number
  readonly #payloads: (Buffer | undefined)[]
  readonly #seqs: Float64Array
  #next = 0
  #size = 0

  constructor(capacity: number) {
    this.#capacity = capacity
    this.#payloads = new Array<Buffer | undefined>(capacity)
    this.#seqs = new Float64Array(capacity)
  }

  /** Remember a committed batch: `payloads[i]` has spool seq `firstSeq + i`. */
  add(firstSeq: number, payloads: readonly Buffer[]): void {
    if (this.#capacity === 0) return
    const start = Math.max(0, payloads.length - this.#capacity)
    for (let i = start; i < payloads.length; i++) {
      this.#payloads[this.#next] = payloads[i]
      this.#seqs[this.#next] = firstSeq + i
      this.#next = (this.#next + 1) % this.#capacity
    }
    this.#size = Math.min(this.#capacity, this.#size + payloads.length - start)
  }

  get capacity(): number {
    return this.#capacity
  }

  get size(): number {
    return this.#size
  }

  /** Newest first, at most `limit` events matching every given filter. */
  query(filter: RecentEventFilter, limit: number): RecentEvent[] {
    const found: RecentEvent[] = []
    const needle = filter.q?.toLowerCase()
    for (let n = 0; n < this.#size && found.length < limit; n++) {
      const slot = (this.#next - 1 - n + this.#capacity) % this.#capacity
      const payload = this.#payloads[slot]
      if (!payload) continue
      const event = JSON.parse(payload.toString('utf8')) as SentinelEvent
      if (filter.source_id !== undefined && event.sentinel.source_id !== filter.source_id) continue
      if (filter['host.name'] !== undefined && event.host?.name !== filter['host.name']) continue
      if (filter['log.level'] !== undefined && event.log?.level !== filter['log.level']) continue
      if (filter['event.kind'] !== undefined && event.event?.kind !== filter['event.kind']) continue
      if (needle !== undefined && !(event.message ?? '').toLowerCase().includes(needle)) continue
      if (filter.sinceMs !== undefined && Date.parse(event['@timestamp']) < filter.sinceMs) continue
      found.push({ seq: this.#seqs[slot] ?? 0, event })
    }
    return found
  }
}
