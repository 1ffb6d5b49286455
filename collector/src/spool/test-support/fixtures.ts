/** @module Spool test fixtures: temp dirs removed after the file's tests, fixed-width events, options. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { FRAME_HEADER_BYTES } from '../record-frame.js'
import type { SpoolOptions, SpoolRecord } from '../spool-types.js'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

/** A fresh spool directory path (its parent is removed after the test file). */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-spool-'))
  dirs.push(dir)
  return join(dir, 'spool')
}

/** A syslog-like event whose JSON length does not depend on `n` (JSON allows the padding spaces). */
export function event(n: number): Buffer {
  return Buffer.from(
    `{"n":${String(n).padStart(10)},"message":"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick"}`,
  )
}

/** Bytes one {@link event} takes on disk. */
export const FRAME = FRAME_HEADER_BYTES + event(0).length

export function events(from: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => event(from + i))
}

/** The `n` an {@link event} was made with. */
export function numberOf(record: SpoolRecord): number {
  return (JSON.parse(record.payload.toString()) as { n: number }).n
}

/** Spool options for tests: 64 MiB quota, ten events per segment, block, 1 s fsync. */
export function options(dir: string, overrides: Partial<SpoolOptions> = {}): SpoolOptions {
  return {
    dir,
    maxBytes: 64 * 1024 * 1024,
    segmentBytes: 10 * FRAME,
    whenFull: 'block',
    fsyncIntervalMs: 1000,
    ...overrides,
  }
}
