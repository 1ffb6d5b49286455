import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maskVariables } from './mask.js'
import { MessageTokens, routesAsWildcard } from './message-tokens.js'

/** What a message's tokens must be: the whole message masked, then split on whitespace. */
function maskedThenSplit(message: string): string[] {
  const masked = maskVariables(message).trim()
  return masked === '' ? [] : masked.split(/\s+/)
}

test('tokens are masked token by token exactly as the whole message is masked', () => {
  const scanner = new MessageTokens()
  const pieces = [
    'from',
    '10.0.0.7',
    '203.0.113.45:51234',
    'fe80::1ff:fe23:4567:890a',
    '[2001:db8::1]:443,',
    '::',
    '[fe::ab]',
    'dead:beef:dead:beef:dead:beef:dead:beef',
    'mail.example.com:25',
    '/var/log/messages',
    '~/a/b',
    'C:\\tmp\\a.log',
    'http://x.org/a?b=1;',
    'bob@example.com',
    'a@b.c+d@e.com',
    '0x1F',
    'deadbeef',
    'deadbeef1',
    'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    '38101a0b-2096-447d-96ea-a692162415ae',
    'uid=1000,gid=1000',
    'ready=true',
    '(pid=2227)',
    '-42',
    '+3.5',
    '1,024',
    'log4j',
    'eth0',
    'x+1',
    'id_42',
    'é42',
    '10:17:01',
    'lockout-after-5',
    'curve25519-sha256',
    'a-b-c',
    'key:value',
    '"quoted"',
    '10-20',
    'v2',
    '.',
    '=',
    '=5',
    'a=',
    'x]=9',
    'bytes=15838',
    'src=10.0.0.7:22',
    'k=v=1',
    'a-b=1x',
    'msg="x=1"',
    'url=http://x.org/1',
    'p=/a/b',
    'k==1',
    'to=bob@example.com',
    'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee=5',
    'key-with-many-dashes-to-be-very-long=7',
    'v6=fe80::1',
    'é=4',
    '1.2.3.4/24',
    '1.2.3.4/123',
    '1.2.3.4:65535',
    '1.2.3.4:123456',
    '1.2.3.4/8:99',
    '1.2.3.4.5',
    '1234.5.6.7',
    '1234.5.6.7/24',
    '1.2.3/24',
    '1.2.3',
    '1.2.3.4/',
    '1.2.3.4:',
    '12345678.5',
    '0123',
    'dst=192.0.2.1:80',
    'n=12345678901',
    'k=1.2.3',
    'k=5x',
    '@',
    ':',
    '/',
    '<*>',
    '\u200b', // zero-width space: not whitespace to `\\s`
  ]
  // Every character `\s` matches, so the scan splits exactly where split(/\s+/) does.
  const spaces = [
    ' ',
    '  ',
    '\t',
    '\u00a0',
    ' \n ',
    '\v\f\r',
    '\u1680',
    '\u2000',
    '\u2003',
    '\u200a',
    '\u2028',
    '\u2029',
    '\u202f',
    '\u205f',
    '\u3000',
    '\ufeff',
  ]
  let seed = 7
  const pick = <T>(list: readonly T[]): T => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    // The high bits: an LCG's low bits repeat with a short period and would skip entries.
    return list[Math.floor((seed / 2 ** 31) * list.length)] as T
  }
  for (let n = 0; n < 3_000; n++) {
    let message = n % 5 === 0 ? pick(spaces) : ''
    const words = 1 + (n % 9)
    for (let w = 0; w < words; w++) {
      // Sometimes glue two pieces together, so tokens mix kinds and punctuation.
      message += pick(pieces) + (n % 3 === 0 ? pick(pieces) : '') + (w < words - 1 ? pick(spaces) : '')
    }
    if (n % 7 === 0) message += pick(spaces)
    const expected = maskedThenSplit(message)
    // A scanner of its own, so the comparisons below start from a scan with nothing masked yet.
    assert.deepEqual(new MessageTokens().scan(message).texts(), expected, JSON.stringify(message))
    // The miner never asks for token strings it can compare in place: the same answers.
    const tokens = scanner.scan(message)
    assert.equal(tokens.count, expected.length)
    expected.forEach((text, i) => {
      const at = `${JSON.stringify(message)} token ${i}`
      assert.ok(tokens.equals(i, text), at)
      assert.ok(!tokens.equals(i, `${text}x`), at)
      assert.ok(!tokens.equals(i, text.slice(1)), at)
      assert.ok(!tokens.equals(i, `${text.slice(0, -1)}?`), at)
      assert.equal(tokens.isVariable(i), routesAsWildcard(text), at)
    })
  }
  assert.deepEqual(scanner.scan('').texts(), [])
  assert.deepEqual(scanner.scan(' \t ').texts(), [])
})

test('a key and a number compares equal exactly when its masked text does', () => {
  // equals() answers these without masking (see MessageTokens); masking is the oracle.
  const tokens = [
    'bytes=15838',
    'x_y=7',
    '_=3',
    'A=0',
    'k=00000000',
    'n=12345678901234567890',
    'a1=5',
    '0x=5',
    'é=4',
    'a-=5',
    'a-b=5',
    'a.b=5',
    'deadbeef=5',
    'abcdefab12=5',
    'x]=9',
    'k=5x',
    'k=1.5',
    'k=12345678.5',
    'k=-5',
    'k=1,2',
    'k=1;',
    'k=',
    '=5',
    'k==5',
    'a=b=5',
  ]
  const scanner = new MessageTokens()
  for (const token of tokens) {
    const masked = maskVariables(token)
    const candidates = [masked, '=<*>', `${token}<*>`]
    for (let at = token.indexOf('='); at >= 0; at = token.indexOf('=', at + 1))
      candidates.push(`${token.slice(0, at + 1)}<*>`, `${token.slice(0, at)}x=<*>`)
    for (const text of candidates) {
      // A fresh scan each time: once masked, a token compares by its masked text.
      assert.equal(scanner.scan(token).equals(0, text), masked === text, `${token} against ${text}`)
    }
  }
})

test('a message with more tokens than the scanner has room for grows it', () => {
  const message = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? `w${i}` : `${i}`)).join(' ')
  const tokens = new MessageTokens().scan(message)
  assert.equal(tokens.count, 500)
  assert.deepEqual(tokens.texts(), maskedThenSplit(message))
  assert.ok(tokens.scan('short one').equals(1, 'one'), 'and goes on with the next message')
  assert.equal(tokens.count, 2)
})
