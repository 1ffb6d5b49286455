/**
 * @module The `sentinel` CLI: run the collector, parse lines, mine templates, check config, send
 * demo traffic, set up Elasticsearch/Kibana/alerting, discover SNMP devices, manage anomaly models.
 * Errors print their SNT_ERR_* code and message on stderr and exit non-zero.
 */
import { Command, InvalidArgumentError, Option } from 'commander'
import { COLLECTOR_VERSION, startCollector } from '../collector.js'
import { createReadStream } from 'node:fs'
import { configuredRules } from '../correlate/shipped.js'
import { loadConfig } from '../config/load.js'
import { configJsonSchema } from '../config/json-schema.js'
import { PARSE_FORMATS, type ParseFormat } from '../event/raw-record.js'
import { SentinelError } from '../errors/codes.js'
import { createLogger } from '../telemetry/logger.js'
import { runDemo } from './demo-command.js'
import { runParseCommand } from './parse-command.js'
import { runTemplatesCommand } from './templates-command.js'
import { addMlCommands } from './ml-command.js'
import { addSetupCommands } from './setup-command.js'
import { addSnmpCommands } from './snmp-discover.js'

/** Give up on a graceful stop after this long (a stuck sink must not keep the process forever). */
const STOP_TIMEOUT_MS = 15_000

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}.`)
    return n
  }
}

const program = new Command('sentinel')
  .description('Sentinel: syslog and SNMP into the Elastic Common Schema, Prometheus and friends.')
  .version(COLLECTOR_VERSION)

program
  .command('run')
  .description('Run the collector (embedded defaults without --config).')
  .option('-c, --config <file>', 'YAML config file (default: $SENTINEL_CONFIG, else embedded defaults)')
  .action(async (options: { config?: string }) => {
    const config = await loadConfig(options.config ?? process.env.SENTINEL_CONFIG)
    const logger = createLogger(config.log_level)
    const collector = await startCollector(config, logger)
    let stopping = false
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C means "now"; a repeated SIGTERM (supervisors resend it) waits for the flush.
        if (signal !== 'SIGINT') return
        logger.warn({ signal }, 'Second interrupt; exiting without waiting for the spool flush.')
        process.exit(130)
      }
      stopping = true
      logger.info({ signal }, 'Stopping: no new connections; writing what was read to the spool.')
      setTimeout(() => {
        logger.error({ timeout_ms: STOP_TIMEOUT_MS }, 'Graceful stop timed out; exiting.')
        process.exit(1)
      }, STOP_TIMEOUT_MS).unref()
      collector.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ error: String(error) }, 'Stop failed.')
          process.exit(1)
        },
      )
    }
    process.on('SIGTERM', () => shutdown('SIGTERM'))
    process.on('SIGINT', () => shutdown('SIGINT'))
  })

program
  .command('parse')
  .description('Parse raw lines from stdin into ECS JSON documents on stdout, one per line, in order.')
  .addOption(new Option('-f, --format <format>', 'message format').choices(PARSE_FORMATS).default('auto'))
  .option('--year <year>', 'year for RFC 3164 timestamps (default: inferred)', integer('--year', 1970))
  .option('--timezone <zone>', 'IANA time zone of RFC 3164 timestamps', 'UTC')
  .action(async (options: { format: ParseFormat; year?: number; timezone: string }) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: options.timezone })
    } catch {
      throw new InvalidArgumentError(`--timezone: unknown IANA time zone "${options.timezone}".`)
    }
    await runParseCommand(process.stdin, process.stdout, options)
  })

program
  .command('templates')
  .description('Mine log templates: one "<template id><TAB><template>" line per input line, in order.')
  .option('--input <file>', 'read this file instead of stdin')
  .action(async (options: { input?: string }) => {
    await runTemplatesCommand(options.input ? createReadStream(options.input) : process.stdin, process.stdout)
  })

const configCommand = program.command('config').description('Work with config files.')
configCommand
  .command('check')
  .argument('<file>', 'YAML config file')
  .description(
    'Validate a config file and the correlation rules it loads; every problem is listed with its path.',
  )
  .action(async (file: string) => {
    const config = await loadConfig(file)
    const rules = await configuredRules(config.correlate)
    process.stdout.write(
      `${file}: valid (${Object.keys(config.sources).length} sources, ${rules.length} correlation rules)\n`,
    )
  })
configCommand
  .command('schema')
  .description('Print the JSON Schema of the config file.')
  .action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
  })

program
  .command('demo')
  .description('Send a realistic mix of syslog to a running collector.')
  .option('--host <host>', 'collector address', '127.0.0.1')
  .option('--port <port>', 'syslog port (UDP and TCP)', integer('--port', 1), 5514)
  .addOption(new Option('--protocol <protocol>', 'transport').choices(['udp', 'tcp', 'both']).default('both'))
  .option('--rate <n>', 'messages per second', integer('--rate', 1), 200)
  .option('--count <n>', 'messages to send', integer('--count', 1), 2000)
  .action(
    async (options: {
      host: string
      port: number
      protocol: 'udp' | 'tcp' | 'both'
      rate: number
      count: number
    }) => {
      const sent = await runDemo(options, (line) => process.stderr.write(`${line}\n`))
      process.stdout.write(`sent ${sent} messages to ${options.host}:${options.port} (${options.protocol})\n`)
    },
  )

addSetupCommands(program, integer)
addSnmpCommands(program, integer)
addMlCommands(program, integer)

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof SentinelError || hasErrorCode(error))
    process.stderr.write(`sentinel: ${error.code}: ${error.message}\n`)
  else if (error instanceof InvalidArgumentError) process.stderr.write(`sentinel: ${error.message}\n`)
  else
    process.stderr.write(
      `sentinel: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
  process.exit(1)
})

/** Errors from @sentinel/elastic-ingest carry SNT_ERR_* codes of their own. */
function hasErrorCode(error: unknown): error is Error & { code: string } {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined
  return typeof code === 'string' && code.startsWith('SNT_ERR_')
}
