/** @module Test support: parse a sample line and compare the ECS groups its expectation names. */
import assert from 'node:assert/strict'
import type { SentinelEvent } from '../../../event/sentinel-event.js'
import { parseRecord } from '../../index.js'
import { testRecord } from '../../test-record.js'
import type { KnownMessageSample } from './samples.js'

const CATEGORISATION_KEYS = ['category', 'type', 'action', 'outcome', 'code', 'reason'] as const
const ENTITY_GROUPS = ['source', 'destination', 'user', 'related', 'observer', 'network', 'rule'] as const

/**
 * Parses `sample.line` and asserts its categorisation keys and, whole, every entity group: a group
 * the expectation leaves out must be absent, so nothing extra is invented.
 */
export function assertSample(sample: KnownMessageSample): SentinelEvent {
  const event = parseRecord(testRecord(sample.line))
  assert.equal(event.error, undefined, `${sample.name}: ${event.error?.message}`)
  const actual: Record<string, unknown> = {}
  for (const key of CATEGORISATION_KEYS) {
    const value = event.event?.[key]
    if (value !== undefined) actual[key] = value
  }
  assert.deepEqual(actual, sample.expected.event, `${sample.name}: event.*`)
  for (const group of ENTITY_GROUPS) {
    assert.deepEqual(event[group], sample.expected[group], `${sample.name}: ${group}`)
  }
  return event
}
