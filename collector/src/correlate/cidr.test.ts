import assert from 'node:assert/strict'
import { BlockList, isIP } from 'node:net'
import { test } from 'node:test'
import fc from 'fast-check'
import { CidrMatcher, isCidrBlock } from './cidr.js'

test('IPv4 blocks: inside, outside, edges, /0 and /32', () => {
  const rfc1918 = new CidrMatcher(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])
  assert.equal(rfc1918.matches('10.255.255.255'), true)
  assert.equal(rfc1918.matches('172.31.0.1'), true)
  assert.equal(rfc1918.matches('172.32.0.1'), false)
  assert.equal(rfc1918.matches('11.0.0.0'), false)
  assert.equal(rfc1918.matches('192.168.1.1'), true)
  assert.equal(new CidrMatcher(['0.0.0.0/0']).matches('203.0.113.7'), true)
  assert.equal(new CidrMatcher(['203.0.113.7']).matches('203.0.113.7'), true, 'a bare address is a /32')
  assert.equal(new CidrMatcher(['203.0.113.7/32']).matches('203.0.113.8'), false)
  assert.equal(new CidrMatcher(['10.1.2.3/8']).matches('10.200.0.1'), true, 'host bits are ignored')
})

test('IPv6 blocks, compressed forms, zones, and IPv4-mapped addresses against IPv4 blocks', () => {
  const doc = new CidrMatcher(['2001:db8::/32'])
  assert.equal(doc.matches('2001:db8::1'), true)
  assert.equal(doc.matches('2001:0DB8:0000:0000:0000:0000:0000:0001'), true)
  assert.equal(doc.matches('2001:db9::1'), false)
  assert.equal(new CidrMatcher(['fe80::/10']).matches('fe80::1%eth0'), true)
  assert.equal(new CidrMatcher(['::1/128']).matches('::1'), true)
  assert.equal(new CidrMatcher(['10.0.0.0/8']).matches('::ffff:10.1.2.3'), true)
  assert.equal(new CidrMatcher(['10.0.0.0/8']).matches('2001:db8::1'), false)
  assert.equal(new CidrMatcher(['2001:db8:abcd:12::/63']).matches('2001:db8:abcd:13::9'), true)
  assert.equal(new CidrMatcher(['2001:db8:abcd:12::/64']).matches('2001:db8:abcd:13::9'), false)
})

test('what is not an address never matches, and bad blocks are rejected', () => {
  const all = new CidrMatcher(['0.0.0.0/0', '::/0'])
  for (const text of [
    '',
    'host-1',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.4%eth0',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
  ]) {
    assert.equal(all.matches(text), false, text)
  }
  for (const block of [
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    'fe80::1%eth0/64',
    'ten/8',
    '10.0.0.0/-1',
  ]) {
    assert.equal(isCidrBlock(block), false, block)
    assert.throws(() => new CidrMatcher([block]), new RegExp('is not a CIDR block'))
  }
})

const hexGroup = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16))
const ipv4 = fc
  .tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 })))
  .map((o) => o.join('.'))
const ipv6 = fc
  .tuple(
    fc.array(hexGroup, { minLength: 8, maxLength: 8 }),
    fc.integer({ min: 0, max: 8 }),
    fc.integer({ min: 0, max: 8 }),
  )
  .map(([groups, from, length]) => {
    // Compress a run of groups to `::` (when it is not the whole address or one group only, any run is valid).
    if (length < 2 || from + length > 8) return groups.join(':')
    return `${groups.slice(0, from).join(':')}::${groups.slice(from + length).join(':')}`
  })

test('an IPv6 zone must be one or more of [0-9A-Za-z.:-], as node:net isIP has it', () => {
  const all = new CidrMatcher(['0.0.0.0/0', '::/0'])
  for (const text of [
    'fe80::1%eth0',
    'fe80::1%en0.1',
    'B::d%%8',
    'c::%%:',
    '::%258%d',
    '::%5c0B7%A',
    '::1%',
  ]) {
    assert.equal(all.matches(text), isIP(text) !== 0, text)
  }
})

test('property: the parser accepts exactly what node:net isIP accepts', () => {
  const all = new CidrMatcher(['0.0.0.0/0', '::/0'])
  const noise = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%'.split('')), maxLength: 45 })
  fc.assert(
    fc.property(fc.oneof(ipv4, ipv6, noise), (text) => {
      assert.equal(all.matches(text), isIP(text) !== 0, text)
    }),
    { numRuns: 3000 },
  )
})

test('property: block membership agrees with node:net BlockList', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.tuple(ipv4, fc.integer({ min: 0, max: 32 }), ipv4).map((t) => ['ipv4', ...t] as const),
        fc.tuple(ipv6, fc.integer({ min: 0, max: 128 }), ipv6).map((t) => ['ipv6', ...t] as const),
      ),
      ([type, network, prefix, address]) => {
        const reference = new BlockList()
        reference.addSubnet(network, prefix, type)
        assert.equal(
          new CidrMatcher([`${network}/${prefix}`]).matches(address),
          reference.check(address, type),
        )
      },
    ),
    { numRuns: 3000 },
  )
})
