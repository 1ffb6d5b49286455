/**
 * @module rsyslog as a real forwarding relay: what it receives on its own unix socket (and,
 * optionally, a plain TCP input) it forwards to a target with octet-counted framing (RFC 6587),
 * over TLS (RFC 5425, gtls driver) or plain TCP. Recipe and gotchas: shared/SERVICES.md §4.
 */
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freeTcpPort } from './ports.js'
import { binary, requireBinary, rsyslogModule } from './requirements.js'
import type { ServiceSpec } from './service.js'
import { startService, type RunningService } from './service.js'
import { pidFromFile, stopPackagedDaemon } from './packaged-daemon.js'

const execFileAsync = promisify(execFile)

export interface RsyslogForwarderOptions {
  /** Where to forward. */
  target: { host?: string; port: number }
  /** `tls`: gtls driver, x509/name auth; `tcp`: plain TCP. Both octet-counted. */
  transport: 'tls' | 'tcp'
  /** Required for `tls`. */
  tls?: {
    /** CA that signed the target's certificate. */
    caFile: string
    /** Name the target's certificate must carry (DNS SAN or CN; an IP SAN does not match). Default `localhost`. */
    permittedPeer?: string
    /** Present a client certificate (mutual TLS). */
    clientCert?: string
    clientKey?: string
  }
  /** Also accept syslog on a plain TCP input (imtcp) on a free loopback port. */
  tcpInput?: boolean
}

export interface RsyslogSetup {
  configFile: string
  pidFile: string
  /** Unix socket to send to: `logger -u <socket>`. */
  socketPath: string
  /** Port of the plain TCP input, when asked for. */
  tcpInputPort?: number
}

/**
 * The template forwarded: RFC 5424 without rsyslog's trailing newline (octet counting already
 * delimits the frame; RSYSLOG_SyslogProtocol23Format's `\n` would be counted into the message).
 * `sp-if-no-1st-sp` gives exactly one space before MSG whether or not the message starts with one.
 */
const TEMPLATE =
  '<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA%%msg:::sp-if-no-1st-sp%%msg%'

function q(value: string): string {
  return JSON.stringify(value)
}

/** Write the rsyslog.conf text for `options` (exported for tests of the harness itself). */
export function rsyslogConfig(
  workDir: string,
  options: RsyslogForwarderOptions,
  setup: RsyslogSetup,
): string {
  const host = options.target.host ?? '127.0.0.1'
  const global = [`workDirectory=${q(join(workDir, 'spool'))}`]
  const action = [
    'type="omfwd"',
    `target=${q(host)}`,
    `port=${q(String(options.target.port))}`,
    'protocol="tcp"',
    'TCP_Framing="octet-counted"',
    'template="SentinelT"',
    'queue.type="LinkedList"',
    'action.resumeRetryCount="-1"',
    'action.resumeInterval="1"',
  ]
  if (options.transport === 'tls') {
    const tls = options.tls
    if (!tls) throw new Error('rsyslog forwarder: transport tls needs tls.caFile')
    global.push(`defaultNetstreamDriverCAFile=${q(tls.caFile)}`)
    if (tls.clientCert && tls.clientKey) {
      global.push(
        `defaultNetstreamDriverCertFile=${q(tls.clientCert)}`,
        `defaultNetstreamDriverKeyFile=${q(tls.clientKey)}`,
      )
    }
    action.push(
      'StreamDriver="gtls"',
      'StreamDriverMode="1"',
      'StreamDriverAuthMode="x509/name"',
      `StreamDriverPermittedPeers=${q(tls.permittedPeer ?? 'localhost')}`,
    )
  }
  const lines = [
    `global(${global.join(' ')})`,
    `template(name="SentinelT" type="string" string=${q(TEMPLATE)})`,
    'ruleset(name="fwd") {',
    `  action(${action.join(' ')})`,
    '}',
    'module(load="imuxsock" SysSock.Use="off")',
    `input(type="imuxsock" Socket=${q(setup.socketPath)} CreatePath="on" Ruleset="fwd")`,
  ]
  if (setup.tcpInputPort !== undefined) {
    lines.push(
      'module(load="imtcp")',
      `input(type="imtcp" address="127.0.0.1" port=${q(String(setup.tcpInputPort))} ruleset="fwd")`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** The rsyslog service spec: forwarder relay. */
export const rsyslogSpec: ServiceSpec<RsyslogForwarderOptions, RsyslogSetup> = {
  name: 'rsyslog',
  requires: [
    binary('rsyslogd', 'rsyslog'),
    rsyslogModule('lmnsd_gtls.so', 'rsyslog-gnutls'),
    binary('logger', 'bsdutils'),
  ],
  afterInstall: stopSystemRsyslog,
  async configure(workDir, options) {
    await mkdir(join(workDir, 'spool'), { recursive: true })
    const setup: RsyslogSetup = {
      configFile: join(workDir, 'rsyslog.conf'),
      pidFile: join(workDir, 'rsyslogd.pid'),
      socketPath: join(workDir, 'log.sock'),
      tcpInputPort: options.tcpInput ? await freeTcpPort() : undefined,
    }
    await writeFile(setup.configFile, rsyslogConfig(workDir, options, setup))
    return setup
  },
  async check(setup) {
    const rsyslogd = await requireBinary('rsyslogd')
    try {
      await execFileAsync(rsyslogd, ['-N1', '-f', setup.configFile])
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string }
      throw new Error(`rsyslogd -N1 rejected ${setup.configFile}:\n${e.stderr ?? ''}${e.stdout ?? ''}`, {
        cause: error,
      })
    }
  },
  async command(setup) {
    return {
      command: await requireBinary('rsyslogd'),
      args: ['-n', '-f', setup.configFile, '-i', setup.pidFile],
    }
  },
  ready(setup) {
    const socket = { kind: 'path', path: setup.socketPath } as const
    return setup.tcpInputPort === undefined
      ? socket
      : { kind: 'all', probes: [socket, { kind: 'tcp', port: setup.tcpInputPort }] }
  },
  stopTimeoutMs: 10_000,
}

/**
 * Start an rsyslog relay that forwards to `options.target`.
 *
 * @example
 * const relay = await startRsyslogForwarder({ transport: 'tls', target: { port }, tls: { caFile: tls.caCert } })
 * await sendWithLogger(['-u', relay.setup.socketPath, '-t', 'app', 'hello'])
 */
export function startRsyslogForwarder(
  options: RsyslogForwarderOptions,
): Promise<RunningService<RsyslogSetup>> {
  return startService(rsyslogSpec, options)
}

/**
 * Debian's rsyslog package may start the system daemon (it takes /dev/log and reads
 * /etc/rsyslog.conf). The harness installs with policy-rc.d denying service starts; this
 * stops and disables one that got started anyway.
 */
export async function stopSystemRsyslog(): Promise<void> {
  await stopPackagedDaemon({
    label: 'system rsyslogd',
    units: ['rsyslog.service', 'syslog.socket'],
    pids: () => pidFromFile('/run/rsyslogd.pid'),
  })
}
