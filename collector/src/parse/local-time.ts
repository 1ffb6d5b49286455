/**
 * @module Local wall-clock time to UTC for an IANA time zone (RFC 3164 stamps carry no offset).
 *
 * Offsets come from `Intl.DateTimeFormat` and are cached per 15-minute bucket, so the steady state
 * is a map lookup; `UTC` and its aliases skip Intl entirely. Wall times that do not exist (the
 * spring-forward gap) are read with the offset in force before the transition, which moves them
 * forward by the gap length; wall times that exist twice (fall-back) resolve to the earlier
 * instant. This is what `Temporal`'s `disambiguation: 'compatible'` does.
 */

const UTC_ZONES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/GMT',
  'GMT',
  'Z',
  'Etc/Universal',
  'Etc/Zulu',
  'Universal',
  'Zulu',
])
const BUCKET_MS = 15 * 60_000
const DAY_MS = 86_400_000
const MAX_CACHED_BUCKETS = 8192

interface ZoneCache {
  readonly format: Intl.DateTimeFormat | undefined
  readonly offsets: Map<number, number>
}

const zones = new Map<string, ZoneCache>()
let lastZoneName = ''
let lastZone: ZoneCache | undefined

function zoneCache(timeZone: string): ZoneCache {
  if (timeZone === lastZoneName && lastZone !== undefined) return lastZone
  let zone = zones.get(timeZone)
  if (zone === undefined) {
    zone = { format: createFormat(timeZone), offsets: new Map() }
    zones.set(timeZone, zone)
  }
  lastZoneName = timeZone
  lastZone = zone
  return zone
}

function createFormat(timeZone: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    return undefined
  }
}

/** True when `timeZone` is an IANA name this runtime knows (or a UTC alias). */
export function isValidTimeZone(timeZone: string): boolean {
  return UTC_ZONES.has(timeZone) || createFormat(timeZone) !== undefined
}

/** Offset (local minus UTC, in ms) computed by Intl at one instant. */
function intlOffset(format: Intl.DateTimeFormat, instant: number): number {
  let year = 0
  let month = 0
  let day = 0
  let hour = 0
  let minute = 0
  let second = 0
  let bc = false
  for (const part of format.formatToParts(instant)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value)
        break
      case 'month':
        month = Number(part.value)
        break
      case 'day':
        day = Number(part.value)
        break
      case 'hour':
        hour = Number(part.value)
        break
      case 'minute':
        minute = Number(part.value)
        break
      case 'second':
        second = Number(part.value)
        break
      case 'era':
        bc = part.value === 'BC' || part.value === 'B'
        break
    }
  }
  const date = new Date(0)
  date.setUTCFullYear(bc ? 1 - year : year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  const floored = instant - (((instant % 1000) + 1000) % 1000)
  return date.getTime() - floored
}

/**
 * Offset of `timeZone` from UTC at `instant`, in ms (positive east of Greenwich). Unknown zones
 * read as UTC: the config schema rejects them before a listener starts.
 * @example zoneOffset('Europe/Berlin', Date.UTC(2026, 0, 1)) // 3_600_000
 */
export function zoneOffset(timeZone: string, instant: number): number {
  if (UTC_ZONES.has(timeZone)) return 0
  const zone = zoneCache(timeZone)
  const format = zone.format
  if (format === undefined || !Number.isFinite(instant)) return 0
  const bucket = Math.floor(instant / BUCKET_MS)
  const cached = zone.offsets.get(bucket)
  if (cached !== undefined) return cached
  const atStart = intlOffset(format, bucket * BUCKET_MS)
  const atEnd = intlOffset(format, bucket * BUCKET_MS + BUCKET_MS - 1)
  if (atStart !== atEnd) return intlOffset(format, instant) // a transition inside this bucket: not cached
  if (zone.offsets.size >= MAX_CACHED_BUCKETS) zone.offsets.clear()
  zone.offsets.set(bucket, atStart)
  return atStart
}

/**
 * The instant at which the clocks in `timeZone` show `wallClock` (the wall-clock fields encoded as if
 * they were UTC, e.g. by `Date.UTC`). Gaps and repeated hours resolve as the module doc says.
 * @example localToUtc(Date.UTC(2026, 6, 1, 12), 'America/New_York') // Date.UTC(2026, 6, 1, 16)
 */
export function localToUtc(wallClock: number, timeZone: string): number {
  if (UTC_ZONES.has(timeZone)) return wallClock
  const before = zoneOffset(timeZone, wallClock - DAY_MS)
  const after = zoneOffset(timeZone, wallClock + DAY_MS)
  const early = wallClock - before
  const earlyValid = zoneOffset(timeZone, early) === before
  if (before === after && earlyValid) return early
  const late = wallClock - after
  const lateValid = zoneOffset(timeZone, late) === after
  if (earlyValid && lateValid) return Math.min(early, late) // repeated hour: the first occurrence
  if (earlyValid) return early
  if (lateValid) return late
  return early // skipped hour: read with the offset before the transition
}
