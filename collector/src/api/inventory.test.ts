import assert from 'node:assert/strict'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Registry } from 'prom-client'
import { parseConfig } from '../config/load.js'
import { RecentEvents } from '../pipeline/recent-events.js'
import { Inventory } from '../sources/snmp_poll/inventory.js'
import { buildApi } from './server.js'

async function setup() {
  const file = join(await mkdtemp(join(tmpdir(), 'inv-')), 'inventory.yaml')
  const config = parseConfig(
    `sources: {}\nsnmp:\n  inventory_file: ${file}\n  credentials:\n    lab: { version: 2c, community: topsecret }\n  devices:\n    - { name: core, address: 192.0.2.1, credentials: lab }\n`,
    't',
  )
  const inventory = await Inventory.open(config.snmp)
  let changes = 0
  inventory.onChange(() => changes++)
  const app = await buildApi({
    version: 't',
    registry: new Registry(),
    beforeScrape: () => undefined,
    readiness: () => ({ ready: true }),
    recent: new RecentEvents(10),
    spoolId: () => 's',
    inventory,
  })
  return { app, file, changes: () => changes }
}

test('inventory API: list without secrets, PUT writes the file, validation errors are 400, DELETE, status', async (t) => {
  const { app, file, changes } = await setup()
  t.after(() => app.close())
  const list = await app.inject('/api/v1/inventory')
  assert.equal(list.statusCode, 200)
  assert.equal(list.json().devices[0].credentials, 'lab')
  assert.ok(!list.body.includes('topsecret'))

  const put = await app.inject({
    method: 'PUT',
    url: '/api/v1/inventory/devices/edge',
    payload: { address: '192.0.2.9', credentials: 'lab' },
  })
  assert.equal(put.statusCode, 201)
  assert.equal(put.json().port, 161)
  assert.match(await readFile(file, 'utf8'), /name: edge/)
  assert.equal(changes(), 1)

  const bad = await app.inject({
    method: 'PUT',
    url: '/api/v1/inventory/devices/x',
    payload: { address: 'a', credentials: 'nope' },
  })
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().code, 'SNT_ERR_API_BAD_REQUEST')
  assert.match(bad.json().message, /unknown credentials "nope"/)

  const conflict = await app.inject({
    method: 'PUT',
    url: '/api/v1/inventory/devices/core',
    payload: { address: 'a', credentials: 'lab' },
  })
  assert.equal(conflict.statusCode, 409)

  const status = await app.inject('/api/v1/inventory/devices/edge/status')
  assert.equal(status.json().state, 'unknown')
  assert.equal((await app.inject('/api/v1/inventory/devices/zzz/status')).statusCode, 404)

  assert.equal(
    (await app.inject({ method: 'DELETE', url: '/api/v1/inventory/devices/edge' })).statusCode,
    204,
  )
  assert.doesNotMatch(await readFile(file, 'utf8'), /edge/)
  assert.equal(
    (await app.inject({ method: 'DELETE', url: '/api/v1/inventory/devices/edge' })).json().code,
    'SNT_ERR_API_DEVICE_NOT_FOUND',
  )
})
