/**
 * @module Durable spool: an append-only log of segment files that every accepted event is written
 * to before it is acknowledged, read by each sink through its own persisted cursor.
 *
 * Layout of the spool directory:
 *
 * ```
 * lock                         pid of the owning process (see spool-lock.ts)
 * meta.json                    {"version":1,"id":"<random id>"}: the id event ids are built from
 * 00000000000000000000.seg     segments, named by their first seq (format: record-frame.ts)
 * 00000000000000131072.seg     the last one is the active segment, appended to
 * readers/<name>.cursor        {"position":N}: next seq the reader has not acknowledged
 * ```
 *
 * Durability: an append is one positional write of the whole framed batch; once it resolves the
 * bytes are in the OS page cache and survive a crash or kill -9 of this process. fsync follows
 * every `fsyncIntervalMs` (0: before each append resolves) for power loss. At open, the last
 * segment is scanned and a torn tail (a partial or corrupt record) is truncated.
 *
 * Retention: a sealed segment is deleted once every registered reader has acknowledged past it.
 * Without readers nothing is deleted until the quota, where `whenFull` decides.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SentinelError } from '../errors/codes.js'
import { writeFileAtomic } from './atomic-file.js'
import {
  FRAME_HEADER_BYTES,
  framePayloads,
  stampSeqs,
  parseFrames,
  parseSegmentFileName,
  segmentFileName,
} from './record-frame.js'
import type { FramedBatch, FrameStop, ParseLimits } from './record-frame.js'
import { acquireSpoolLock } from './spool-lock.js'
import { WHEN_FULL_POLICIES } from './spool-types.js'
import type { SpoolOptions, SpoolRecord } from './spool-types.js'

const META_FILE = 'meta.json'
const READERS_DIR = 'readers'
const CURSOR_SUFFIX = '.cursor'
const READER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/

/** Default byte budget (payloads) of one `read`. */
export const DEFAULT_READ_BYTES = 4 * 1024 * 1024
/** Chunk size of recovery and offset scans. */
const SCAN_CHUNK_BYTES = 1024 * 1024
/** Smallest and largest single read of a reader. */
const MIN_READ_CHUNK = 64 * 1024
const MAX_READ_CHUNK = 32 * 1024 * 1024
/** A sparse (seq -> offset) index entry is kept about every this many bytes of a segment. */
const INDEX_STRIDE_BYTES = 256 * 1024

/** Figures for gauges and counters; built from memory, no I/O. */
export interface SpoolStats {
  id: string
  /** Size of all segment files. */
  bytes: number
  segments: number
  /** Oldest retained seq (equals `nextSeq` when the spool is empty). */
  firstSeq: number
  /** Seq the next appended event gets. */
  nextSeq: number
  /** Events the slowest reader has not acknowledged (all retained events when no reader is registered). */
  unackedEvents: number
  quotaBytes: number
  /** Events lost to the overflow policy: refused batches (`drop_newest`), deleted unread events (`drop_oldest`). */
  discarded: { drop_newest: number; drop_oldest: number }
  /** Bytes cut from a torn tail when this spool was opened. */
  truncatedBytes: number
  full: boolean
  /** Events skipped because a sealed segment was found corrupt while reading (disk damage, not crashes). */
  corruptEvents: number
}

interface Segment {
  firstSeq: number
  /** Seq after its last record; grows while the segment is active. */
  endSeq: number
  path: string
  /** Bytes of complete records (what readers may read). */
  bytes: number
  handle: FileHandle | undefined
  opening: Promise<FileHandle> | undefined
  /** Reads in flight: a deleted segment's handle is closed when the last one ends. */
  refs: number
  deleted: boolean
  /** Sparse index, ascending: `indexSeqs[i]` starts at byte `indexOffsets[i]`. */
  indexSeqs: number[]
  indexOffsets: number[]
}

/** Where a reader stands: the next seq and, when known, its byte offset in its segment. */
interface ReadCursor {
  seq: number
  hint: { segment: Segment; seq: number; offset: number } | undefined
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function openError(dir: string, err: unknown): SentinelError {
  if (err instanceof SentinelError) return err
  return new SentinelError('SNT_ERR_SPOOL_OPEN', [dir, errorMessage(err)], { cause: err })
}

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code
}

/** Reads `length` bytes at `position` (fewer only at end of file); returns the bytes read. */
async function readFull(handle: FileHandle, buf: Buffer, length: number, position: number): Promise<number> {
  let done = 0
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

async function writeFull(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < buf.length) {
    const { bytesWritten } = await handle.write(buf, done, buf.length - done, position + done)
    done += bytesWritten
  }
}

function validateOptions(options: SpoolOptions): string | undefined {
  const positive = (n: number): boolean => Number.isSafeInteger(n) && n > 0
  if (!positive(options.maxBytes)) return `maxBytes must be a positive integer, got ${options.maxBytes}`
  if (!positive(options.segmentBytes))
    return `segmentBytes must be a positive integer, got ${options.segmentBytes}`
  if (!(Number.isFinite(options.fsyncIntervalMs) && options.fsyncIntervalMs >= 0)) {
    return `fsyncIntervalMs must be 0 or more, got ${options.fsyncIntervalMs}`
  }
  if (!WHEN_FULL_POLICIES.includes(options.whenFull)) {
    return `whenFull must be one of ${WHEN_FULL_POLICIES.join(', ')}, got ${String(options.whenFull)}`
  }
  return undefined
}

/**
 * The durable, ordered log of accepted events.
 *
 * @example
 * const spool = await Spool.open({ dir: './data/spool', maxBytes: 1 << 30, segmentBytes: 64 << 20, whenFull: 'block', fsyncIntervalMs: 1000 })
 * const { firstSeq } = await spool.append(events.map((e) => Buffer.from(JSON.stringify(e))))
 * const reader = await spool.openReader('elasticsearch')
 * const records = await reader.read(1000)
 * // ... deliver, then:
 * await reader.ack(records[records.length - 1].seq)
 */
export class Spool {
  /** Random id created with the spool directory; event ids are `${id}-${seq}`. */
  readonly id: string
  readonly dir: string
  private readonly options: SpoolOptions
  private readonly segments: Segment[]
  private nextSeqValue: number
  private totalBytes: number
  private readonly truncatedBytes: number
  private readonly readers = new Map<string, SpoolReader>()
  private readonly discarded = { drop_newest: 0, drop_oldest: 0 }
  private corruptEvents = 0
  /** Size of the last batch refused under `block`: full until that much fits. */
  private refusedBytes = 0
  private appendTail: Promise<unknown> = Promise.resolve()
  private readonly dataWaiters = new Set<() => void>()
  private readonly spaceListeners = new Set<() => void>()
  private readonly unsynced = new Set<Segment>()
  private dirUnsynced = false
  private syncTimer: NodeJS.Timeout | undefined
  private syncing: Promise<void> | undefined
  private syncError: unknown
  private readonly unlinks = new Set<Promise<void>>()
  private closing: Promise<void> | undefined
  private readonly releaseLock: () => Promise<void>

  private constructor(
    dir: string,
    id: string,
    options: SpoolOptions,
    segments: Segment[],
    truncatedBytes: number,
    releaseLock: () => Promise<void>,
  ) {
    this.dir = dir
    this.id = id
    this.options = options
    this.segments = segments
    this.truncatedBytes = truncatedBytes
    this.releaseLock = releaseLock
    this.nextSeqValue = this.active.endSeq
    this.totalBytes = segments.reduce((sum, s) => sum + s.bytes, 0)
  }

  /**
   * Opens (creating if needed) the spool in `options.dir`: takes the lock, recovers the last
   * segment and loads the reader cursors.
   *
   * @throws SentinelError `SNT_ERR_SPOOL_LOCKED` when a live process holds it, `SNT_ERR_SPOOL_OPEN` otherwise.
   */
  static async open(options: SpoolOptions): Promise<Spool> {
    const dir = resolve(options.dir)
    const invalid = validateOptions(options)
    if (invalid !== undefined) throw new SentinelError('SNT_ERR_SPOOL_OPEN', [dir, invalid])
    let releaseLock: () => Promise<void>
    try {
      await mkdir(join(dir, READERS_DIR), { recursive: true })
      releaseLock = await acquireSpoolLock(dir)
    } catch (err) {
      throw openError(dir, err)
    }
    const opened: Segment[] = []
    try {
      const id = await loadOrCreateId(dir)
      const { segments, truncatedBytes } = await recoverSegments(dir)
      opened.push(...segments)
      const spool = new Spool(dir, id, { ...options, dir }, segments, truncatedBytes, releaseLock)
      await spool.loadReaders()
      return spool
    } catch (err) {
      await Promise.all(opened.map((s) => s.handle?.close().catch(() => undefined)))
      await releaseLock()
      throw openError(dir, err)
    }
  }

  private get active(): Segment {
    const last = this.segments[this.segments.length - 1]
    if (last === undefined) throw new Error('spool has no active segment')
    return last
  }

  /** Oldest retained seq. */
  private get firstSeq(): number {
    return this.segments[0]?.firstSeq ?? this.nextSeqValue
  }

  /**
   * Appends one batch with a single write and resolves once it is in the OS page cache (and on
   * disk, with `fsyncIntervalMs: 0`). Calls are applied in call order.
   *
   * Under `block`, a batch that does not fit the quota is refused with `SNT_ERR_SPOOL_FULL` and
   * nothing is written; under `drop_newest` it is discarded and counted (`count: 0`); under
   * `drop_oldest` the oldest segments are deleted until it fits. A batch larger than the whole
   * quota is refused with `SNT_ERR_SPOOL_FULL` under every policy.
   */
  append(payloads: readonly Buffer[]): Promise<{ firstSeq: number; count: number }> {
    return this.appendFramed(framePayloads(payloads))
  }

  /** {@link append} for a batch already framed with {@link FrameBuilder} (the pipeline's hot path). */
  appendFramed(batch: FramedBatch): Promise<{ firstSeq: number; count: number }> {
    try {
      this.assertOpen()
    } catch (err) {
      return Promise.reject(err)
    }
    return this.serial(() => this.appendNow(batch))
  }

  /** Runs `op` after every append (or roll) queued before it. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.appendTail.then(op)
    this.appendTail = result.catch(() => undefined)
    return result
  }

  private async appendNow(batch: FramedBatch): Promise<{ firstSeq: number; count: number }> {
    if (this.syncError !== undefined) {
      const err = this.syncError
      this.syncError = undefined
      throw err
    }
    const count = batch.offsets.length
    if (count === 0) return { firstSeq: this.nextSeqValue, count: 0 }
    const size = batch.buffer.length
    const { maxBytes, whenFull } = this.options
    if (size > maxBytes) {
      throw new SentinelError('SNT_ERR_SPOOL_FULL', [String(this.totalBytes), String(maxBytes)], {
        cause: new Error(
          `one batch of ${count} events takes ${size} bytes, more than the whole quota of ${maxBytes} bytes; send smaller batches or raise the quota`,
        ),
      })
    }
    if (this.totalBytes + size > maxBytes) {
      if (whenFull === 'block') {
        this.refusedBytes = size
        throw new SentinelError('SNT_ERR_SPOOL_FULL', [String(this.totalBytes), String(maxBytes)])
      }
      if (whenFull === 'drop_newest') {
        this.discarded.drop_newest += count
        return { firstSeq: this.nextSeqValue, count: 0 }
      }
      await this.dropOldestUntilFits(size)
    }
    let segment = this.active
    if (segment.bytes > 0 && segment.bytes + size > this.options.segmentBytes) {
      await this.roll()
      segment = this.active
    }
    const firstSeq = this.nextSeqValue
    stampSeqs(batch, firstSeq)
    const buf = batch.buffer
    const handle = segment.handle
    if (handle === undefined) throw new Error('active segment is not open')
    try {
      await writeFull(handle, buf, segment.bytes)
    } catch (err) {
      await this.undoPartialWrite(segment)
      if (isErrno(err, 'ENOSPC') && whenFull === 'block') {
        this.refusedBytes = size
        throw new SentinelError('SNT_ERR_SPOOL_FULL', [String(this.totalBytes), String(maxBytes)], {
          cause: err,
        })
      }
      throw err
    }
    this.addIndex(segment, firstSeq, segment.bytes)
    segment.bytes += size
    segment.endSeq += count
    this.totalBytes += size
    this.nextSeqValue += count
    this.refusedBytes = 0
    if (this.options.fsyncIntervalMs === 0) await handle.datasync()
    else this.markUnsynced(segment)
    this.notifyData()
    return { firstSeq, count }
  }

  /** A failed write may have left part of the batch on disk: cut it, or start a fresh segment when even that fails. */
  private async undoPartialWrite(segment: Segment): Promise<void> {
    try {
      await segment.handle?.truncate(segment.bytes)
    } catch {
      // The garbage stays past `bytes`; readers never look there, and a new segment keeps it out of recovery's way.
      await this.roll().catch(() => undefined)
    }
  }

  private async dropOldestUntilFits(size: number): Promise<void> {
    const dropped: Segment[] = []
    while (this.totalBytes + size > this.options.maxBytes) {
      if (this.segments.length > 1) dropped.push(...this.removeOldest(1, true))
      else if (this.active.bytes > 0) await this.roll()
      else break
    }
    await Promise.all(dropped.map((s) => this.unlinkSegment(s)))
  }

  /** Seals the active segment and starts a new one at the next seq. */
  private async roll(): Promise<void> {
    const firstSeq = this.nextSeqValue
    const path = join(this.dir, segmentFileName(firstSeq))
    const handle = await open(path, 'wx+')
    this.segments.push(newSegment(firstSeq, path, handle))
    if (this.options.fsyncIntervalMs === 0) await syncDir(this.dir)
    else {
      this.dirUnsynced = true
      this.scheduleSync()
    }
  }

  /**
   * Removes the `count` oldest segments from the log (their files are unlinked by the caller).
   * With `dropping`, readers that had not passed them jump forward and the events they lose are
   * counted under `drop_oldest`.
   */
  private removeOldest(count: number, dropping: boolean): Segment[] {
    const removed = this.segments.splice(0, count)
    for (const segment of removed) {
      segment.deleted = true
      this.totalBytes -= segment.bytes
      this.unsynced.delete(segment)
    }
    if (dropping && removed.length > 0) {
      const from = removed[0]?.firstSeq ?? this.firstSeq
      const lowest =
        this.readers.size === 0 ? from : Math.min(...[...this.readers.values()].map((r) => r.ackedSeq))
      this.discarded.drop_oldest += Math.max(0, this.firstSeq - Math.max(from, lowest))
      for (const reader of this.readers.values()) reader.skipTo(this.firstSeq)
    }
    return removed
  }

  private unlinkSegment(segment: Segment): Promise<void> {
    const done = unlink(segment.path)
      .catch((err: unknown) => {
        if (!isErrno(err, 'ENOENT')) throw err
      })
      .finally(() => {
        this.unlinks.delete(done)
        if (segment.refs === 0) void closeSegment(segment)
      })
    this.unlinks.add(done)
    return done
  }

  /** @internal Deletes the sealed segments every reader has acknowledged past; frees a full spool whose readers caught up. */
  async collectGarbage(): Promise<void> {
    if (this.readers.size === 0 || this.closing !== undefined) return
    const wasFull = this.isFull()
    const done = Math.min(...[...this.readers.values()].map((r) => r.retainFrom))
    let count = 0
    while (count < this.segments.length - 1 && (this.segments[count]?.endSeq ?? Infinity) <= done) count++
    const unlinked = this.removeOldest(count, false).map((s) => this.unlinkSegment(s))
    if (this.isFull() && done >= this.nextSeqValue && this.active.bytes > 0) {
      // Everything is read but the active segment alone holds the quota: seal it so it can go.
      void this.serial(async () => {
        if (this.closing === undefined && this.active.bytes > 0) {
          await this.roll()
          await this.collectGarbage()
        }
      }).catch(() => undefined)
    }
    if (wasFull && !this.isFull()) for (const listener of [...this.spaceListeners]) listener()
    await Promise.all(unlinked)
  }

  /** True under `block` when the quota is reached (or the last refused batch still does not fit). */
  isFull(): boolean {
    if (this.options.whenFull !== 'block') return false
    const { maxBytes } = this.options
    return (
      this.totalBytes >= maxBytes || (this.refusedBytes > 0 && this.totalBytes + this.refusedBytes > maxBytes)
    )
  }

  /**
   * Calls `listener` each time acknowledgements free space and the spool stops being full.
   * Returns the unsubscribe function. Register first, then check `isFull()`, to miss nothing.
   *
   * @example
   * if (spool.isFull()) await new Promise<void>((done) => { const off = spool.onSpace(() => { off(); done() }) })
   */
  onSpace(listener: () => void): () => void {
    this.spaceListeners.add(listener)
    return () => this.spaceListeners.delete(listener)
  }

  /** Returns the reader `name`, creating its cursor (at the oldest retained event) if new. */
  async openReader(name: string): Promise<SpoolReader> {
    this.assertOpen()
    if (!READER_NAME.test(name)) {
      throw new SentinelError('SNT_ERR_SPOOL_OPEN', [
        this.dir,
        `invalid reader name ${JSON.stringify(name)} (letters, digits, . _ -)`,
      ])
    }
    const existing = this.readers.get(name)
    if (existing !== undefined) return existing
    const reader = new SpoolReader(this, name, this.cursorPath(name), this.firstSeq, undefined)
    this.readers.set(name, reader)
    await reader.flush()
    return reader
  }

  /** Forgets reader `name` (a sink removed from the configuration) so it no longer holds segments. */
  async deleteReader(name: string): Promise<void> {
    this.assertOpen()
    if (!this.readers.delete(name)) return
    await unlink(this.cursorPath(name)).catch((err: unknown) => {
      if (!isErrno(err, 'ENOENT')) throw err
    })
    await this.collectGarbage()
  }

  /** Names of the registered readers. */
  readerNames(): string[] {
    return [...this.readers.keys()]
  }

  private cursorPath(name: string): string {
    return join(this.dir, READERS_DIR, `${name}${CURSOR_SUFFIX}`)
  }

  private async loadReaders(): Promise<void> {
    const dir = join(this.dir, READERS_DIR)
    for (const file of await readdir(dir)) {
      if (file.endsWith('.tmp')) {
        await unlink(join(dir, file)).catch(() => undefined)
        continue
      }
      if (!file.endsWith(CURSOR_SUFFIX)) continue
      const name = file.slice(0, -CURSOR_SUFFIX.length)
      if (!READER_NAME.test(name)) continue
      let position = this.firstSeq
      try {
        const parsed = JSON.parse(await readFile(join(dir, file), 'utf8')) as { position?: unknown }
        if (typeof parsed.position === 'number' && Number.isSafeInteger(parsed.position))
          position = parsed.position
      } catch {
        // An unreadable cursor replays from the oldest event: at-least-once, never a loss.
      }
      const clamped = Math.min(Math.max(position, this.firstSeq), this.nextSeqValue)
      this.readers.set(name, new SpoolReader(this, name, join(dir, file), clamped, position))
    }
  }

  /** Reads up to `maxEvents` records from `fromSeq` (or the oldest retained, if later) without a cursor. */
  async readRange(fromSeq: number, maxEvents: number): Promise<SpoolRecord[]> {
    return this.readRecords({ seq: fromSeq, hint: undefined }, maxEvents, Number.POSITIVE_INFINITY)
  }

  /** @internal Reads from `cursor` onwards and advances it (SpoolReader.read, readRange). */
  async readRecords(cursor: ReadCursor, maxEvents: number, maxBytes: number): Promise<SpoolRecord[]> {
    const out: SpoolRecord[] = []
    let bytes = 0
    while (out.length < maxEvents && bytes < maxBytes) {
      this.assertOpen()
      if (cursor.seq < this.firstSeq) {
        cursor.seq = this.firstSeq
        cursor.hint = undefined
      }
      if (cursor.seq >= this.nextSeqValue) break
      const segment = this.segmentFor(cursor.seq)
      const before = cursor.seq
      const records = await this.readSegment(
        segment,
        cursor,
        maxEvents - out.length,
        maxBytes - bytes,
        out.length === 0,
      )
      for (const record of records) {
        out.push(record)
        bytes += record.payload.length
      }
      if (records.length === 0 && cursor.seq === before && !segment.deleted) break
    }
    return out
  }

  private segmentFor(seq: number): Segment {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.segments[mid]?.firstSeq ?? Infinity) <= seq) lo = mid
      else hi = mid - 1
    }
    return this.segments[lo] ?? this.active
  }

  private async readSegment(
    segment: Segment,
    cursor: ReadCursor,
    maxEvents: number,
    maxBytes: number,
    takeFirst: boolean,
  ): Promise<SpoolRecord[]> {
    const startSeq = cursor.seq
    const endSeq = segment.endSeq
    const end = segment.bytes
    segment.refs++
    try {
      const handle = await this.segmentHandle(segment)
      const hint = cursor.hint
      const offset =
        hint !== undefined && hint.segment === segment && hint.seq === startSeq
          ? hint.offset
          : await this.findOffset(segment, handle, startSeq)
      const frames = Math.max(1, endSeq - segment.firstSeq)
      const estimate = Math.ceil((end / frames) * maxEvents) + FRAME_HEADER_BYTES
      const budget = Math.min(MAX_READ_CHUNK, maxBytes + FRAME_HEADER_BYTES * Math.min(maxEvents, 1 << 20))
      const length = Math.min(end - offset, Math.max(MIN_READ_CHUNK, Math.min(estimate, budget)))
      const limits: ParseLimits = {
        maxRecords: maxEvents,
        maxPayloadBytes: maxBytes,
        takeFirst,
        stopAtSeq: endSeq,
      }
      let buf = Buffer.allocUnsafe(Math.max(0, length))
      buf = buf.subarray(0, await readFull(handle, buf, buf.length, offset))
      let parsed = parseFrames(buf, startSeq, limits)
      if (
        parsed.records.length === 0 &&
        parsed.stop === 'end' &&
        parsed.needBytes > 0 &&
        offset + parsed.needBytes <= end
      ) {
        // One record bigger than the chunk.
        buf = Buffer.allocUnsafe(parsed.needBytes)
        buf = buf.subarray(0, await readFull(handle, buf, buf.length, offset))
        parsed = parseFrames(buf, startSeq, { ...limits, maxRecords: 1 })
      }
      if (segment.deleted || cursor.seq !== startSeq) return [] // dropped or moved meanwhile: the caller starts over
      const stuck = parsed.offset === 0 && parsed.stop !== 'limit'
      if (parsed.stop === 'corrupt' || (stuck && startSeq < endSeq)) {
        if (parsed.records.length === 0) {
          // Only a damaged sealed segment gets here (appends never leave one): skip the rest of it.
          this.corruptEvents += endSeq - startSeq
          cursor.seq = endSeq
          cursor.hint = undefined
          return []
        }
      }
      cursor.seq = parsed.nextSeq
      cursor.hint = { segment, seq: parsed.nextSeq, offset: offset + parsed.offset }
      return parsed.records
    } catch (err) {
      if (segment.deleted) return []
      throw err
    } finally {
      segment.refs--
      if (segment.deleted && segment.refs === 0) void closeSegment(segment)
    }
  }

  private segmentHandle(segment: Segment): Promise<FileHandle> {
    if (segment.handle !== undefined) return Promise.resolve(segment.handle)
    segment.opening ??= open(segment.path, 'r').then((handle) => {
      segment.handle = handle
      segment.opening = undefined
      return handle
    })
    return segment.opening
  }

  /** Byte offset of `seq` in `segment`: from the sparse index, then a header walk. */
  private async findOffset(segment: Segment, handle: FileHandle, seq: number): Promise<number> {
    const i = lastAtOrBefore(segment.indexSeqs, seq)
    const fromSeq = i < 0 ? segment.firstSeq : (segment.indexSeqs[i] ?? segment.firstSeq)
    const fromOffset = i < 0 ? 0 : (segment.indexOffsets[i] ?? 0)
    if (fromSeq === seq) return fromOffset
    const scan = await this.scan(segment, handle, fromOffset, fromSeq, segment.bytes, 'headers', seq)
    return scan.offset
  }

  private scan(
    segment: Segment,
    handle: FileHandle,
    fromOffset: number,
    fromSeq: number,
    end: number,
    mode: 'headers' | 'verify',
    stopAtSeq: number,
  ): Promise<ScanResult> {
    return scanSegment(handle, fromOffset, fromSeq, end, mode, stopAtSeq, (seq, offset) =>
      this.addIndex(segment, seq, offset),
    )
  }

  private addIndex(segment: Segment, seq: number, offset: number): void {
    addIndexEntry(segment, seq, offset)
  }

  /** @internal Resolves when seqs beyond `afterSeq` exist (or the spool closes): SpoolReader.waitForData. */
  waitForAppend(afterSeq: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.nextSeqValue > afterSeq || this.closing !== undefined) return Promise.resolve()
    return new Promise<void>((resolvePromise, reject) => {
      const onAbort = (): void => {
        this.dataWaiters.delete(waiter)
        reject(signal?.reason)
      }
      const waiter = (): void => {
        if (this.nextSeqValue <= afterSeq && this.closing === undefined) return
        this.dataWaiters.delete(waiter)
        signal?.removeEventListener('abort', onAbort)
        resolvePromise()
      }
      this.dataWaiters.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  private notifyData(): void {
    for (const waiter of [...this.dataWaiters]) waiter()
  }

  private markUnsynced(segment: Segment): void {
    this.unsynced.add(segment)
    this.scheduleSync()
  }

  private scheduleSync(): void {
    if (this.syncTimer !== undefined || this.closing !== undefined) return
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined
      this.syncing = this.syncNow()
        .catch((err: unknown) => {
          this.syncError = err
        })
        .finally(() => {
          this.syncing = undefined
        })
    }, this.options.fsyncIntervalMs)
    this.syncTimer.unref()
  }

  private async syncNow(): Promise<void> {
    const segments = [...this.unsynced]
    this.unsynced.clear()
    const dir = this.dirUnsynced
    this.dirUnsynced = false
    for (const segment of segments) if (!segment.deleted) await segment.handle?.datasync()
    if (dir) await syncDir(this.dir)
  }

  /** Figures for metrics; no I/O. */
  stats(): SpoolStats {
    const lowest =
      this.readers.size === 0 ? this.firstSeq : Math.min(...[...this.readers.values()].map((r) => r.ackedSeq))
    return {
      id: this.id,
      bytes: this.totalBytes,
      segments: this.segments.length,
      firstSeq: this.firstSeq,
      nextSeq: this.nextSeqValue,
      unackedEvents: Math.max(0, this.nextSeqValue - lowest),
      quotaBytes: this.options.maxBytes,
      discarded: { ...this.discarded },
      truncatedBytes: this.truncatedBytes,
      full: this.isFull(),
      corruptEvents: this.corruptEvents,
    }
  }

  /** Seq the next appended event gets. */
  get nextSeq(): number {
    return this.nextSeqValue
  }

  /** Oldest seq still on disk. */
  get oldestSeq(): number {
    return this.firstSeq
  }

  assertOpen(): void {
    if (this.closing !== undefined)
      throw new SentinelError('SNT_ERR_SPOOL_OPEN', [this.dir, 'the spool is closed'])
  }

  /** Waits for in-flight appends, fsyncs, persists cursors and releases the lock. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.closeNow()
    return this.closing
  }

  private async closeNow(): Promise<void> {
    await this.appendTail
    clearTimeout(this.syncTimer)
    this.syncTimer = undefined
    await this.syncing
    this.unsynced.add(this.active)
    this.dirUnsynced = true
    let failure: unknown
    await this.syncNow().catch((err: unknown) => (failure ??= err))
    for (const reader of this.readers.values())
      await reader.flush().catch((err: unknown) => (failure ??= err))
    this.notifyData()
    await Promise.allSettled([...this.unlinks])
    await Promise.all(this.segments.map((s) => closeSegment(s)))
    await this.releaseLock()
    if (failure !== undefined) throw failure
  }
}

/**
 * A named, persisted cursor over the spool. `read` hands out records from `position()`;
 * `ack` records what the destination confirmed, and only acknowledged events are safe from
 * replay: after a restart, reading resumes at the first unacknowledged event.
 */
export class SpoolReader {
  readonly name: string
  private readonly spool: Spool
  private readonly path: string
  private readonly cursor: ReadCursor
  /** Next seq not yet acknowledged. */
  private acked: number
  /** Value in the cursor file (undefined: not written yet). */
  private persisted: number | undefined
  private persisting: Promise<void> | undefined
  private opTail: Promise<unknown> = Promise.resolve()

  /** @internal Created by `Spool.openReader`. */
  constructor(spool: Spool, name: string, path: string, position: number, persisted: number | undefined) {
    this.spool = spool
    this.name = name
    this.path = path
    this.cursor = { seq: position, hint: undefined }
    this.acked = position
    this.persisted = persisted
  }

  /** Next seq `read` returns. */
  position(): number {
    return this.cursor.seq
  }

  /** @internal Next seq not acknowledged. */
  get ackedSeq(): number {
    return this.acked
  }

  /** @internal Lowest seq this reader still needs on disk (also after a crash right now). */
  get retainFrom(): number {
    return Math.min(this.acked, this.persisted ?? Number.NEGATIVE_INFINITY)
  }

  /**
   * Up to `maxEvents` records from `position()` on, their payloads totalling at most `maxBytes`
   * (one record is always returned when one exists); [] when caught up.
   */
  read(maxEvents: number, maxBytes = DEFAULT_READ_BYTES): Promise<SpoolRecord[]> {
    return this.serial(() => this.spool.readRecords(this.cursor, maxEvents, maxBytes))
  }

  /** Resolves once there are records at or beyond `position()` (or the spool closes). */
  waitForData(signal?: AbortSignal): Promise<void> {
    return this.spool.waitForAppend(this.cursor.seq, signal)
  }

  /** Acknowledges every record up to `upToSeqInclusive`; persisted before the promise resolves. */
  async ack(upToSeqInclusive: number): Promise<void> {
    this.spool.assertOpen()
    const next = Math.min(Math.floor(upToSeqInclusive) + 1, this.spool.nextSeq)
    if (next > this.acked) {
      this.acked = next
      if (this.cursor.seq < next) {
        this.cursor.seq = next
        this.cursor.hint = undefined
      }
    }
    await this.flush()
    await this.spool.collectGarbage()
  }

  /** Moves both the read position and the acknowledged position to `seq` (clamped to what is retained), and persists it. */
  seek(seq: number): Promise<void> {
    return this.serial(async () => {
      this.spool.assertOpen()
      const target = Math.min(Math.max(Math.floor(seq), this.spool.oldestSeq), this.spool.nextSeq)
      this.cursor.seq = target
      this.cursor.hint = undefined
      this.acked = target
      await this.flush()
      await this.spool.collectGarbage()
    })
  }

  /** @internal drop_oldest deleted everything before `seq`. */
  skipTo(seq: number): void {
    if (this.acked < seq) this.acked = seq
    if (this.cursor.seq < seq) {
      this.cursor.seq = seq
      this.cursor.hint = undefined
    }
  }

  /** @internal Writes the acknowledged position to the cursor file (write-aside + rename); concurrent calls share writes. */
  async flush(): Promise<void> {
    while (this.persisted !== this.acked) {
      if (this.persisting !== undefined) {
        await this.persisting
        continue
      }
      const value = this.acked
      this.persisting = writeFileAtomic(this.path, `${JSON.stringify({ position: value })}\n`)
        .then(() => {
          this.persisted = value
        })
        .finally(() => {
          this.persisting = undefined
        })
      await this.persisting
    }
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.opTail.then(op)
    this.opTail = result.catch(() => undefined)
    return result
  }
}

function newSegment(firstSeq: number, path: string, handle: FileHandle | undefined): Segment {
  return {
    firstSeq,
    endSeq: firstSeq,
    path,
    bytes: 0,
    handle,
    opening: undefined,
    refs: 0,
    deleted: false,
    indexSeqs: [],
    indexOffsets: [],
  }
}

async function closeSegment(segment: Segment): Promise<void> {
  const handle = segment.handle ?? (await segment.opening?.catch(() => undefined))
  segment.handle = undefined
  await handle?.close().catch(() => undefined)
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Index of the last element <= `value` in ascending `values`, or -1. */
function lastAtOrBefore(values: readonly number[], value: number): number {
  let lo = 0
  let hi = values.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((values[mid] ?? Infinity) <= value) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

function addIndexEntry(segment: Segment, seq: number, offset: number): void {
  const i = lastAtOrBefore(segment.indexSeqs, seq)
  const prevOffset = i < 0 ? 0 : (segment.indexOffsets[i] ?? 0)
  if (segment.indexSeqs[i] === seq || offset - prevOffset < INDEX_STRIDE_BYTES) return
  segment.indexSeqs.splice(i + 1, 0, seq)
  segment.indexOffsets.splice(i + 1, 0, offset)
}

interface ScanResult {
  offset: number
  seq: number
  stop: FrameStop
}

/**
 * Walks records from (`fromOffset`, `fromSeq`) to `end` in large chunks, checking CRCs in
 * `verify` mode, until `stopAtSeq` or the first invalid record.
 */
async function scanSegment(
  handle: FileHandle,
  fromOffset: number,
  fromSeq: number,
  end: number,
  mode: 'headers' | 'verify',
  stopAtSeq: number,
  onProgress: (seq: number, offset: number) => void,
): Promise<ScanResult> {
  const chunk = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, Math.max(end - fromOffset, FRAME_HEADER_BYTES)))
  let offset = fromOffset
  let seq = fromSeq
  for (;;) {
    if (seq >= stopAtSeq) return { offset, seq, stop: 'limit' }
    const length = await readFull(handle, chunk, Math.min(chunk.length, end - offset), offset)
    if (length === 0) return { offset, seq, stop: 'end' }
    const parsed = parseFrames(chunk.subarray(0, length), seq, { mode, stopAtSeq })
    if (parsed.offset > 0) {
      offset += parsed.offset
      seq = parsed.nextSeq
      onProgress(seq, offset)
    }
    if (parsed.stop !== 'end') return { offset, seq, stop: parsed.stop }
    if (parsed.offset > 0) continue
    // Nothing complete in the chunk: a torn header, or one record bigger than the chunk.
    if (parsed.needBytes === 0 || offset + parsed.needBytes > end) return { offset, seq, stop: 'end' }
    if (mode === 'verify') {
      const big = Buffer.allocUnsafe(parsed.needBytes)
      const got = await readFull(handle, big, big.length, offset)
      const one = parseFrames(big.subarray(0, got), seq, { mode })
      if (one.offset === 0) return { offset, seq, stop: one.stop }
    }
    offset += parsed.needBytes
    seq++
    onProgress(seq, offset)
  }
}

async function loadOrCreateId(dir: string): Promise<string> {
  const path = join(dir, META_FILE)
  await unlink(`${path}.tmp`).catch(() => undefined)
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err
  }
  if (text === undefined) {
    const id = randomBytes(8).toString('hex')
    await writeFileAtomic(path, `${JSON.stringify({ version: 1, id })}\n`, true)
    await syncDir(dir)
    return id
  }
  const meta = JSON.parse(text) as { version?: unknown; id?: unknown }
  if (typeof meta.id !== 'string' || meta.id === '') throw new Error(`${META_FILE} has no id`)
  return meta.id
}

/** Lists the segments; scans the last one and truncates its torn tail. Creates the first segment of a new spool. */
async function recoverSegments(dir: string): Promise<{ segments: Segment[]; truncatedBytes: number }> {
  const firstSeqs = (await readdir(dir))
    .map(parseSegmentFileName)
    .filter((seq): seq is number => seq !== false)
    .sort((a, b) => a - b)
  const segments: Segment[] = []
  for (const [i, firstSeq] of firstSeqs.entries()) {
    const path = join(dir, segmentFileName(firstSeq))
    const segment = newSegment(firstSeq, path, undefined)
    const next = firstSeqs[i + 1]
    if (next !== undefined) {
      segment.bytes = (await stat(path)).size
      segment.endSeq = next
    }
    segments.push(segment)
  }
  const last = segments[segments.length - 1]
  if (last === undefined) {
    const path = join(dir, segmentFileName(0))
    const handle = await open(path, 'wx+')
    await syncDir(dir)
    return { segments: [newSegment(0, path, handle)], truncatedBytes: 0 }
  }
  const handle = await open(last.path, 'r+')
  last.handle = handle
  const size = (await handle.stat()).size
  const scan = await scanSegment(
    handle,
    0,
    last.firstSeq,
    size,
    'verify',
    Number.POSITIVE_INFINITY,
    (seq, offset) => addIndexEntry(last, seq, offset),
  )
  last.bytes = scan.offset
  last.endSeq = scan.seq
  if (scan.offset < size) {
    await handle.truncate(scan.offset)
    await handle.datasync()
  }
  return { segments, truncatedBytes: size - scan.offset }
}
