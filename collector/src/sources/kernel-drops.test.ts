import assert from 'node:assert/strict'
import { createSocket, type Socket } from 'node:dgram'
import { after, test } from 'node:test'
import {
  KernelDropsSampler,
  decodeProcAddress,
  findSocketDrops,
  parseProcNetUdp,
  readProcFile,
} from './kernel-drops.js'

// Captured on a Linux x86_64 host (little-endian), with rows edited to show drops.
const PROC_NET_UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
 4045: 0100007F:158A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 17164 2 0000000088c8a057 0         
 4046: 00000000:158A 00000000:0000 07 00000000:00034000 00:00000000 00000000   104        0 17170 2 0000000021f0b3c2 1734      
  301: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 15021 2 00000000a8d3e0f1 0         
 7862: 0A00000A:048A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 18812 2 0000000090c4b5a6 12        
`

const PROC_NET_UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  887: 00000000000000000000000000000000:8934 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 17165 2 000000004751ed39 42
  888: 00000000000000000000000001000000:158A 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 17166 2 000000004751ed3a 7
`

test('parses /proc/net/udp rows: address, port, inode and drops', () => {
  const rows = parseProcNetUdp(PROC_NET_UDP, true)
  assert.deepEqual(rows, [
    { localAddress: '127.0.0.1', localPort: 5514, inode: 17164, drops: 0 },
    { localAddress: '0.0.0.0', localPort: 5514, inode: 17170, drops: 1734 },
    { localAddress: '127.0.0.53', localPort: 53, inode: 15021, drops: 0 },
    { localAddress: '10.0.0.10', localPort: 1162, inode: 18812, drops: 12 },
  ])
})

test('parses /proc/net/udp6 rows and matches IPv6 listeners by canonical address', () => {
  const rows = parseProcNetUdp(PROC_NET_UDP6, true)
  assert.deepEqual(
    rows.map((r) => [r.localAddress, r.localPort, r.drops]),
    [
      ['::', 35124, 42],
      ['::1', 5514, 7],
    ],
  )
  assert.equal(findSocketDrops(rows, '::', 35124), 42)
  assert.equal(findSocketDrops(rows, '0:0:0:0:0:0:0:1', 5514), 7)
})

test('matches a listener by local address and port only', () => {
  const rows = parseProcNetUdp(PROC_NET_UDP, true)
  assert.equal(findSocketDrops(rows, '0.0.0.0', 5514), 1734)
  assert.equal(findSocketDrops(rows, '127.0.0.1', 5514), 0)
  assert.equal(findSocketDrops(rows, '127.0.0.1', 5515), undefined)
})

test('decodes addresses in either byte order and rejects malformed hex', () => {
  assert.equal(decodeProcAddress('0100007F', true), '127.0.0.1')
  assert.equal(decodeProcAddress('7F000001', false), '127.0.0.1')
  assert.equal(decodeProcAddress('XYZ', true), undefined)
  assert.deepEqual(parseProcNetUdp('header\ngarbage line\n\n', true), [])
})

test('the sampler reports increases only, starting from zero', () => {
  let text = PROC_NET_UDP
  const deltas: number[] = []
  const sampler = new KernelDropsSampler({
    family: 'udp4',
    address: '0.0.0.0',
    port: 5514,
    onDrops: (d) => deltas.push(d),
    read: (path) => (path === '/proc/net/udp' ? text : undefined),
  })
  assert.equal(sampler.sample(), true)
  assert.equal(sampler.sample(), true)
  text = text.replace(' 1734 ', ' 1800 ')
  sampler.sample()
  assert.deepEqual(deltas, [1734, 66])
})

test('the sampler says so when there is no /proc', () => {
  const sampler = new KernelDropsSampler({
    family: 'udp6',
    address: '::',
    port: 5514,
    onDrops: () => assert.fail('no drops expected'),
    read: () => undefined,
  })
  assert.equal(sampler.sample(), false)
})

const sockets: Socket[] = []
after(() => {
  for (const socket of sockets) socket.close()
})

test('live: the row of a freshly bound socket is found in /proc/net/udp', async (t) => {
  const text = readProcFile('/proc/net/udp')
  if (text === undefined) return t.skip('no /proc/net/udp on this system')
  const socket = createSocket('udp4')
  sockets.push(socket)
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  const rows = parseProcNetUdp(readProcFile('/proc/net/udp') ?? '')
  assert.equal(findSocketDrops(rows, '127.0.0.1', port), 0)
})
