/**
 * @module `sentinel ml ...`: the anomaly model registry (list, promote, shadow, rollback, import)
 * and the series scorer. Registry commands find data_dir/ml/models through the same config the
 * collector runs with, so they act on the registry a running collector follows.
 */
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { Option, type Command } from 'commander'
import { loadConfig } from '../config/load.js'
import {
  runMlImport,
  runMlModels,
  runMlPromote,
  runMlPrune,
  runMlRollback,
  runMlShadow,
} from './model-commands.js'
import { runScoreSeriesCommand } from './score-series-command.js'

interface RegistryOptions {
  config?: string
  dataDir?: string
}

/** data_dir/ml/models of --data-dir, else of the config (--config, $SENTINEL_CONFIG, embedded defaults). */
async function registryDir(options: RegistryOptions): Promise<string> {
  const dataDir =
    options.dataDir ?? (await loadConfig(options.config ?? process.env.SENTINEL_CONFIG)).data_dir
  return join(dataDir, 'ml', 'models')
}

function withRegistry(command: Command): Command {
  return command
    .option(
      '-c, --config <file>',
      'collector config whose data_dir holds the registry (default: $SENTINEL_CONFIG)',
    )
    .option('--data-dir <dir>', 'data_dir of the collector (instead of --config)')
}

/** Runs a command that returns an exit code, and exits with it when it is not 0. */
async function exitWith(code: Promise<number>): Promise<void> {
  const result = await code
  if (result !== 0) process.exitCode = result
}

export function addMlCommands(
  program: Command,
  integer: (name: string, min: number) => (value: string) => number,
): void {
  const ml = program.command('ml').description('Anomaly models and scoring.')

  withRegistry(ml.command('models'))
    .option('--json', 'print JSON instead of a table')
    .description(
      'List the registered anomaly models: training window, metrics, and which is active or shadow.',
    )
    .action(async (options: RegistryOptions & { json?: boolean }) =>
      exitWith(runMlModels(await registryDir(options), process.stdout, { json: options.json === true })),
    )

  withRegistry(ml.command('promote'))
    .argument('<version>', 'model version (see `sentinel ml models`)')
    .description('Make a model the active one (the one in use stays available to `sentinel ml rollback`).')
    .action(async (version: string, options: RegistryOptions) =>
      exitWith(runMlPromote(await registryDir(options), version, process.stdout)),
    )

  withRegistry(ml.command('shadow'))
    .argument('<version>', 'model version, or "none" to stop shadow scoring')
    .description(
      'Score events with a second model beside the active one (sentinel.anomaly.shadow), never alerting on it.',
    )
    .action(async (version: string, options: RegistryOptions) =>
      exitWith(runMlShadow(await registryDir(options), version === 'none' ? null : version, process.stdout)),
    )

  withRegistry(ml.command('rollback'))
    .description('Make the previously active model active again.')
    .action(async (options: RegistryOptions) =>
      exitWith(runMlRollback(await registryDir(options), process.stdout)),
    )

  withRegistry(ml.command('prune'))
    .option('--keep <n>', 'newest models to keep', integer('--keep', 1), 10)
    .description('Delete old models, keeping the newest ones and the active, shadow and rollback target.')
    .action(async (options: RegistryOptions & { keep: number }) =>
      exitWith(runMlPrune(await registryDir(options), options.keep, process.stdout)),
    )

  withRegistry(ml.command('import'))
    .argument('<file>', 'ONNX model declaring the feature spec (see README, "Bring your own model")')
    .addOption(
      new Option('--promote <role>', 'what to make of it')
        .choices(['active', 'shadow', 'none'])
        .default('none'),
    )
    .description("Register your own ONNX model; it is checked against the collector's feature spec first.")
    .action(async (file: string, options: RegistryOptions & { promote: 'active' | 'shadow' | 'none' }) =>
      exitWith(runMlImport(await registryDir(options), file, { promote: options.promote }, process.stdout)),
    )

  ml.command('score-series')
    .description(
      'Score a "timestamp,value" CSV with the SNMP series detector: one "timestamp,value,score,anomaly" line per row.',
    )
    .option('--input <file>', 'read this file instead of stdin')
    .action(async (options: { input?: string }) =>
      exitWith(
        runScoreSeriesCommand(
          options.input ? createReadStream(options.input) : process.stdin,
          process.stdout,
          process.stderr,
        ),
      ),
    )
}
