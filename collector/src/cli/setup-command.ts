/**
 * @module `sentinel setup elastic|kibana`: install Sentinel's templates, ILM policy and saved
 * objects into an existing cluster. Secrets come from files or the environment, never from flags
 * (flags end up in shell history and `ps`).
 */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { setupElastic, setupKibana } from '@sentinel/elastic-ingest'
import { SentinelError } from '../errors/codes.js'
import { DEFAULT_SECRETS_DIR, setupAlerting } from './setup-alerting.js'

interface ConnectionFlags {
  url: string
  apiKeyFile?: string
  username?: string
  passwordFile?: string
  caFile?: string
}

/** Credentials from `--api-key-file`/`--password-file`, else SENTINEL_<TARGET>_API_KEY / _PASSWORD. */
function credentials(flags: ConnectionFlags, target: 'ELASTIC' | 'KIBANA') {
  const fromFile = (path: string | undefined) => (path ? readFileSync(path, 'utf8').trim() : undefined)
  const apiKey = fromFile(flags.apiKeyFile) ?? process.env[`SENTINEL_${target}_API_KEY`]
  const password = fromFile(flags.passwordFile) ?? process.env[`SENTINEL_${target}_PASSWORD`]
  return {
    url: flags.url,
    ...(apiKey ? { apiKey } : {}),
    ...(flags.username ? { username: flags.username } : {}),
    ...(password ? { password } : {}),
    ...(flags.caFile ? { caFile: flags.caFile } : {}),
  }
}

function connectionOptions(command: Command, defaultUrl: string, target: 'ELASTIC' | 'KIBANA'): Command {
  return command
    .option('--url <url>', 'base URL', defaultUrl)
    .option('--api-key-file <file>', `file holding an encoded API key (or $SENTINEL_${target}_API_KEY)`)
    .option('--username <user>', 'basic auth user')
    .option('--password-file <file>', `file holding the password (or $SENTINEL_${target}_PASSWORD)`)
    .option('--ca-file <file>', 'PEM CA bundle that signed the server certificate')
}

const print = (line: string) => process.stdout.write(`${line}\n`)

/** Add `setup elastic`, `setup kibana` and `setup alerting` to the program. */
export function addSetupCommands(
  program: Command,
  integer: (name: string, min: number) => (v: string) => number,
): void {
  const setup = program.command('setup').description('Install Sentinel into the stacks it feeds.')

  connectionOptions(
    setup
      .command('elastic')
      .description('Install index/component templates and the ILM policy (idempotent).'),
    'http://127.0.0.1:9200',
    'ELASTIC',
  )
    .option(
      '--retention-days <n>',
      'delete indices this many days after rollover',
      integer('--retention-days', 1),
      30,
    )
    .action(async (flags: ConnectionFlags & { retentionDays: number }) => {
      const report = await setupElastic(
        { ...credentials(flags, 'ELASTIC'), retentionDays: flags.retentionDays },
        print,
      )
      for (const item of report.items) {
        print(`${item.action.padEnd(9)} ${item.kind} ${item.name}${item.reason ? ` (${item.reason})` : ''}`)
      }
    })

  connectionOptions(
    setup
      .command('kibana')
      .description("Import Sentinel's data views, searches, visualizations and dashboards."),
    'http://127.0.0.1:5601',
    'KIBANA',
  )
    .option('--space <id>', 'Kibana space to import into')
    .option('--overwrite', 'replace objects that already exist', false)
    .action(async (flags: ConnectionFlags & { space?: string; overwrite: boolean }) => {
      const report = await setupKibana(
        {
          ...credentials(flags, 'KIBANA'),
          ...(flags.space ? { space: flags.space } : {}),
          overwrite: flags.overwrite,
        },
        print,
      )
      print(JSON.stringify(report, null, 2))
    })

  setup
    .command('alerting')
    .description(
      "Install Sentinel's Prometheus rules and Alertmanager config (alerting/), or check an installation (--check).",
    )
    .option(
      '--prometheus-rules-dir <dir>',
      'write the Prometheus rule files here (a directory rule_files covers)',
    )
    .option('--alertmanager-dir <dir>', 'write alertmanager.yml and templates/ here')
    .option('--secrets-dir <dir>', 'directory of the Slack URL and PagerDuty key files', DEFAULT_SECRETS_DIR)
    .option('--pagerduty-url <url>', 'PagerDuty Events API v2 endpoint (default: PagerDuty itself)')
    .option(
      '--prometheus-url <url>',
      'reload this Prometheus and check it runs the rules (--web.enable-lifecycle)',
    )
    .option('--alertmanager-url <url>', 'reload this Alertmanager and check it runs the receivers')
    .option(
      '--check',
      'compare and validate only: write and reload nothing; exit 1 when anything differs',
      false,
    )
    .action(
      async (flags: {
        prometheusRulesDir?: string
        alertmanagerDir?: string
        secretsDir: string
        pagerdutyUrl?: string
        prometheusUrl?: string
        alertmanagerUrl?: string
        check: boolean
      }) => {
        const report = await setupAlerting(
          {
            ...(flags.prometheusRulesDir ? { prometheusRulesDir: flags.prometheusRulesDir } : {}),
            ...(flags.alertmanagerDir ? { alertmanagerDir: flags.alertmanagerDir } : {}),
            secretsDir: flags.secretsDir,
            ...(flags.pagerdutyUrl ? { pagerDutyUrl: flags.pagerdutyUrl } : {}),
            ...(flags.prometheusUrl ? { prometheusUrl: flags.prometheusUrl } : {}),
            ...(flags.alertmanagerUrl ? { alertmanagerUrl: flags.alertmanagerUrl } : {}),
            check: flags.check,
          },
          print,
        )
        if (!report.ok) {
          const bad = report.items.filter(
            (i) =>
              i.action === 'failed' || (flags.check && (i.action === 'differs' || i.action === 'missing')),
          )
          throw new SentinelError('SNT_ERR_SETUP_ALERTING', [
            bad.map((i) => `${i.action} ${i.kind} ${i.name}`).join('; '),
          ])
        }
      },
    )
}
