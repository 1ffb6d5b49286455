import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RecentKeys } from './recent-keys.js'

const M = 1_000 // an arbitrary minute number

/** The distinct keys seen in the window ending at `minute`, by brute force over every sighting. */
function expected(sightings: [string, number][], minute: number, minutes: number): number {
  const inWindow = sightings.filter(([, m]) => m > minute - minutes && m <= minute)
  return new Set(inWindow.map(([key]) => key)).size
}

test('counts the keys seen in the window exactly, a minute leaving takes its keys with it', () => {
  const keys = new RecentKeys<string>(3, 100, M)
  keys.add('a', M)
  keys.add('b', M)
  keys.add('a', M)
  assert.equal(keys.count, 2)
  keys.advance(M + 1)
  keys.add('c', M + 1)
  keys.add('a', M + 1) // seen again: now counted in minute M + 1
  assert.equal(keys.count, 3)
  keys.advance(M + 3) // minute M leaves: b goes, a stays (seen in M + 1)
  assert.equal(keys.count, 2)
  keys.advance(M + 4) // M + 1 leaves too
  assert.equal(keys.count, 0)
  keys.add('b', M + 4) // expired, not yet deleted, seen again
  assert.equal(keys.count, 1)
})

test('a window that starts before minute 0 counts like any other', () => {
  // Minutes since the epoch are large; a clock near 1970 (or a test) gives minutes below the window.
  const sightings: [string, number][] = []
  const keys = new RecentKeys<string>(5, 100, 0)
  for (let minute = 0; minute < 12; minute++) {
    keys.advance(minute)
    for (const key of ['a', 'b', 'c'].slice(0, 1 + (minute % 3))) {
      keys.add(`${key}${minute % 4}`, minute)
      sightings.push([`${key}${minute % 4}`, minute])
    }
    assert.equal(keys.count, expected(sightings, minute, 5), `minute ${minute}`)
  }
})

test('expired keys are deleted a few per add, not when the window moves', () => {
  const keys = new RecentKeys<number>(5, 10_000, M)
  for (let port = 0; port < 1_000; port++) keys.add(port, M)
  keys.advance(M + 5)
  assert.equal(keys.count, 0)
  assert.equal(keys.held, 1_000, 'advancing deletes nothing')
  keys.add(5_000, M + 5)
  assert.equal(keys.held, 1_000 - 2 + 1)
  for (let port = 5_001; port < 5_600; port++) keys.add(port, M + 5)
  assert.equal(keys.count, 600)
  assert.equal(keys.held, 600, 'the backlog drained while keys were added')
})

test('at the cap a new key is not counted, unless an expired one makes room', () => {
  const keys = new RecentKeys<string>(2, 3, M)
  for (const key of ['a', 'b', 'c', 'd']) keys.add(key, M)
  assert.equal(keys.count, 3)
  keys.advance(M + 1)
  keys.add('a', M + 1) // known: still counted
  keys.advance(M + 2) // b and c expire; a (M + 1) stays
  keys.add('e', M + 2)
  keys.add('f', M + 2)
  keys.add('g', M + 2)
  assert.equal(keys.count, 3)
  assert.equal(keys.held, 3)
})

test('matches a brute-force count over random sightings, gaps and bursts included', () => {
  let seed = 42
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  const minutes = 5
  const keys = new RecentKeys<string>(minutes, 1_000_000, M)
  const sightings: [string, number][] = []
  let minute = M
  for (let step = 0; step < 20_000; step++) {
    if (random() < 0.01) {
      minute += random() < 0.1 ? 1 + Math.floor(random() * 8) : 1
      keys.advance(minute)
    }
    const key = `k${Math.floor(random() * 300)}`
    keys.add(key, minute)
    sightings.push([key, minute])
    if (step % 97 === 0) assert.equal(keys.count, expected(sightings, minute, minutes), `step ${step}`)
  }
})

test('a key added for a minute before the window ends counts as seen in its last minute', () => {
  // The collector's clock stepped back: the key is one key, and it leaves the window once.
  const keys = new RecentKeys<string>(3, 100, M)
  keys.add('a', M - 4)
  keys.add('a', M)
  keys.add('b', M - 1)
  assert.equal(keys.count, 2)
  keys.advance(M + 2)
  assert.equal(keys.count, 2)
  keys.advance(M + 3)
  assert.equal(keys.count, 0)
})
