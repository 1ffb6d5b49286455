/**
 * @module Throw-away TLS material made with the openssl CLI: a CA, a server certificate for
 * `localhost` (SAN DNS:localhost, IP:127.0.0.1, serverAuth) and a client certificate
 * (clientAuth). Generated once per test run and shared by the run's test processes.
 */
import { execFile } from 'node:child_process'
import { access, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { binary, ensureInstalled, requireBinary } from './requirements.js'
import { runDir } from './work-dir.js'

const execFileAsync = promisify(execFile)

/** Absolute paths of the PEM files. */
export interface TlsMaterial {
  dir: string
  caCert: string
  caKey: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
  /** Subject CN of the client certificate. */
  clientCommonName: string
}

export const TLS_REQUIREMENTS = [binary('openssl', 'openssl')] as const

const CLIENT_CN = 'sentinel-test-client'

function materialIn(dir: string): TlsMaterial {
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    clientCommonName: CLIENT_CN,
  }
}

let cached: Promise<TlsMaterial> | undefined

/**
 * The run's TLS material, generated on first use. Generation happens in a temp dir that is
 * renamed into place, so parallel test processes never see half-written files.
 *
 * @example const tls = await tlsMaterial(); // tls.serverCert, tls.caCert, ...
 */
export function tlsMaterial(): Promise<TlsMaterial> {
  cached ??= createOnce().catch((error: unknown) => {
    cached = undefined
    throw error
  })
  return cached
}

async function createOnce(): Promise<TlsMaterial> {
  const final = join(await runDir(), 'tls')
  const done = materialIn(final)
  if (await exists(done.clientKey)) return done
  await ensureInstalled(TLS_REQUIREMENTS)
  const tmp = await mkdtemp(join(await runDir(), 'tls-tmp-'))
  await generate(materialIn(tmp))
  try {
    await rename(tmp, final)
  } catch (error) {
    // Another process won the race: use its files.
    await rm(tmp, { recursive: true, force: true })
    if (!(await exists(done.clientKey))) throw error
  }
  return done
}

async function generate(m: TlsMaterial): Promise<void> {
  const openssl = await requireBinary('openssl')
  const run = (...args: string[]) => execFileAsync(openssl, args, { cwd: m.dir })
  await run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    m.caKey,
    '-out',
    m.caCert,
    '-days',
    '2',
    '-subj',
    '/CN=sentinel-test-ca',
  )
  const serverExt = join(m.dir, 'server.ext')
  await writeFile(
    serverExt,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  )
  const clientExt = join(m.dir, 'client.ext')
  await writeFile(
    clientExt,
    `subjectAltName=DNS:${CLIENT_CN}\nextendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n`,
  )
  for (const [name, cn, ext, cert, key] of [
    ['server', 'localhost', serverExt, m.serverCert, m.serverKey],
    ['client', CLIENT_CN, clientExt, m.clientCert, m.clientKey],
  ] as const) {
    const csr = join(m.dir, `${name}.csr`)
    await run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`)
    await run(
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      m.caCert,
      '-CAkey',
      m.caKey,
      '-CAcreateserial',
      '-out',
      cert,
      '-days',
      '2',
      '-extfile',
      ext,
    )
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}
