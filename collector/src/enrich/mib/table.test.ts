import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { MibTable, describeMibFile } from './table.js'

const DEBIAN_MIBS = '/usr/share/snmp/mibs'
const dirs: string[] = []
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function mibDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-mibs-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

function capture(): {
  warnings: { obj: Record<string, unknown>; msg: string }[]
  warn(obj: object, msg: string): void
} {
  const warnings: { obj: Record<string, unknown>; msg: string }[] = []
  return { warnings, warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) }
}

// ACME-TRAPS-MIB sorts first but imports ZZ-BASE-MIB: it can only load after it.
const ACME_TRAPS = `ACME-TRAPS-MIB DEFINITIONS ::= BEGIN
IMPORTS
    NOTIFICATION-TYPE, OBJECT-TYPE, Integer32 FROM SNMPv2-SMI
    acme FROM ZZ-BASE-MIB;
acmeTraps OBJECT IDENTIFIER ::= { acme 0 }
acmeFanSpeed OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS accessible-for-notify
    STATUS current
    DESCRIPTION "Fan speed."
    ::= { acme 2 }
acmeFanFailed NOTIFICATION-TYPE
    OBJECTS { acmeFanSpeed }
    STATUS current
    DESCRIPTION "A fan failed."
    ::= { acmeTraps 1 }
END
`
const ZZ_BASE = `ZZ-BASE-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
acme OBJECT IDENTIFIER ::= { enterprises 99999 }
END
`
// No IMPORTS and an unknown parent: net-snmp's compiler throws on it. Its imports are "satisfied"
// (none), so it is tried first, before the good files.
const BROKEN = `AAA-BROKEN-MIB DEFINITIONS ::= BEGIN
brokenThing OBJECT IDENTIFIER ::= { noSuchParent 1 }
END
`

test('describeMibFile reads the module name and the modules it imports, ignoring comments', () => {
  const file = describeMibFile('x', `-- IMPORTS nothing FROM FAKE-MIB\n${ACME_TRAPS}`)
  assert.equal(file.module, 'ACME-TRAPS-MIB')
  assert.deepEqual(file.imports, ['SNMPv2-SMI', 'ZZ-BASE-MIB'])
  assert.deepEqual(describeMibFile('y', BROKEN).imports, [])
})

test('mib_dirs: a file that imports one sorting after it loads once its import has', async () => {
  const dir = await mibDir({ 'ACME-TRAPS-MIB.txt': ACME_TRAPS, 'ZZ-BASE-MIB.txt': ZZ_BASE })
  const logger = capture()
  const table = MibTable.load({ dirs: [dir], logger })
  assert.deepEqual(logger.warnings, [])
  assert.equal(table.translate('1.3.6.1.4.1.99999.0.1').name, 'acmeFanFailed')
  assert.equal(table.translate('1.3.6.1.4.1.99999.2.0').name, 'acmeFanSpeed.0')
  assert.equal(table.translate('1.3.6.1.4.1.99999.2.0').module, 'ACME-TRAPS-MIB')
})

test('mib_dirs: a broken MIB file is logged and skipped; the files after it still load', async () => {
  const dir = await mibDir({
    'AAA-BROKEN-MIB.txt': BROKEN,
    'ACME-TRAPS-MIB.txt': ACME_TRAPS,
    README: 'not a MIB at all\n',
    'ZZ-BASE-MIB.txt': ZZ_BASE,
  })
  const logger = capture()
  const table = MibTable.load({ dirs: [dir, join(dir, 'no-such-subdir')], logger })
  // Before the fix, the broken module stayed in net-snmp's parser and every later file failed with it.
  assert.equal(table.translate('1.3.6.1.4.1.99999.0.1').name, 'acmeFanFailed')
  assert.equal(table.translate('1.3.6.1.2.1.2.2.1.8.3').name, 'ifOperStatus.3', 'shipped IF-MIB intact')
  const skipped = logger.warnings.filter((w) => w.msg === 'MIB file could not be loaded; skipped.')
  assert.deepEqual(
    skipped.map((w) => w.obj.file),
    [join(dir, 'AAA-BROKEN-MIB.txt')],
  )
  assert.equal(typeof skipped[0]?.obj.error, 'string')
  assert.ok(logger.warnings.some((w) => w.msg === 'MIB directory could not be read; skipped.'))
})

test('mib_dirs: a second copy of a loaded module is skipped, not compiled over it', async () => {
  const dir = await mibDir({ 'ZZ-BASE-MIB.txt': ZZ_BASE, 'ZZ-BASE-COPY.my': ZZ_BASE })
  const logger = capture()
  const table = MibTable.load({ dirs: [dir], logger })
  assert.equal(table.oidOf('acme'), '1.3.6.1.4.1.99999')
  assert.deepEqual(
    logger.warnings.map((w) => w.msg),
    ['MIB module already loaded; file skipped.'],
  )
})

test(
  "mib_dirs: Debian's /usr/share/snmp/mibs (libsnmp-base) loads and names UCD and NET-SNMP objects",
  { skip: existsSync(join(DEBIAN_MIBS, 'UCD-SNMP-MIB.txt')) ? false : `${DEBIAN_MIBS} not installed` },
  () => {
    const logger = capture()
    const table = MibTable.load({ dirs: [DEBIAN_MIBS], logger })
    const laLoad = table.translate('1.3.6.1.4.1.2021.10.1.3.1')
    assert.equal(laLoad.name, 'laLoad.1')
    assert.equal(laLoad.module, 'UCD-SNMP-MIB')
    assert.equal(table.oidOf('netSnmpAgentOIDs'), '1.3.6.1.4.1.8072.3.2')
    // LM-SENSORS-MIB sorts before UCD-SNMP-MIB and imports from it.
    assert.equal(table.translate('1.3.6.1.4.1.2021.13.16.2.1.3.1').name, 'lmTempSensorsValue.1')
    assert.equal(table.translate('1.3.6.1.4.1.2021.13.15.1.1.2.1').name, 'diskIODevice.1')
    assert.equal(table.translate('1.3.6.1.2.1.2.2.1.8.3').name, 'ifOperStatus.3')
    // Files importing IETF MIBs Debian keeps in snmp-mibs-downloader are logged and skipped, by name.
    for (const w of logger.warnings.filter((w) => w.msg === 'MIB file could not be loaded; skipped.')) {
      assert.ok(
        Array.isArray(w.obj.missing_imports) && w.obj.missing_imports.length > 0,
        JSON.stringify(w.obj),
      )
    }
  },
)
