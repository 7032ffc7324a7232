/**
 * The `catalyst` command. Parses arguments (unknown options are usage errors: exit 2), loads the
 * configuration once, and maps every failure to a message, a hint and an exit code.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig, type CatalystConfig } from '../config/index.ts';
import { AppError } from '../core/errors.ts';
import type { BuildOptions } from './build-command.ts';
import { EXIT, exitCodeFor, printError, printJsonError } from './output.ts';

// Each command's module is imported when that command runs: most of them load the whole runtime (every
// adapter, the agents, the compiler the reviewer uses), seconds of start-up that --version, --help and a
// mistyped option have no use for.
const buildCommands = () => import('./build-command.ts');
const previewCommands = () => import('./preview-commands.ts');
const exploreCommands = () => import('./explore-command.ts');

/** The installed Catalyst's version, as its package.json says. */
export function catalystVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number, e.g. 0.50');
  return n;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number, e.g. 50000');
  return n;
}

interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  let wantsJson = argv.includes('--json');
  const program = new Command();

  // A person at a terminal reads the progress view, not JSON log lines: warnings only unless --verbose.
  const configFor = (overrides: Record<string, unknown> = {}): Readonly<CatalystConfig> => {
    const global = program.opts<GlobalOptions>();
    return loadConfig({
      file: global.config,
      env: process.env,
      cwd: process.cwd(),
      overrides: { ...(global.verbose ? { 'logging.level': 'info' } : {}), ...overrides },
      // A person at a terminal reads the progress view; LOG_LEVEL or logging.level still win when set.
      commandDefaults: { 'logging.level': 'warn' },
    });
  };

  program
    .name('catalyst')
    .description('Turn a request into a planned, designed, tested, reviewed app with a live preview.')
    .version(catalystVersion(), '-V, --version', 'print the version and exit')
    .option('-c, --config <file>', 'configuration file (default: ./config/catalyst.yaml if present)')
    .option('-v, --verbose', 'log what each part does (JSON lines on stderr)', false)
    .showHelpAfterError('(run `catalyst --help` for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program
    .command('build')
    .description('build an app from a request, e.g. catalyst build "build a todo app with user auth"')
    .argument('<prompt...>', 'what to build (quote it)')
    .option('--json', 'print one JSON object with the result on stdout (progress goes to stderr)', false)
    .addOption(
      new Option(
        '--progress <how>',
        'progress on stderr: auto (a spinner on a terminal, else a line per phase), lines, json (NDJSON), none',
      )
        .choices(['auto', 'lines', 'json', 'none'])
        .default('auto'),
    )
    .option('--foreground', 'keep the preview in this process until Ctrl-C (default: hand it to a supervisor and return)', false)
    .option('--name <name>', 'project name (default: derived from the request)')
    .addOption(new Option('--mode <mode>', 'orchestration mode').choices(['sequential', 'event_driven']))
    .option('--from-scan <scan_id>', "build from a completed explorer scan: its records become the app's data model")
    .option('--budget <usd>', "this build's model budget in USD (default: budget.max_usd_per_task)", positiveNumber)
    .option('--budget-tokens <n>', "this build's model budget in tokens (default: budget.max_tokens_per_task)", positiveInteger)
    .option('--no-cache', "ask the models afresh instead of answering from Catalyst's response cache")
    .option('--replay <file>', 'answer every model call from this file (written by --record): no provider is asked')
    .option('--record <file>', "append this build's model answers to this file, for --replay")
    .action(async (words: string[], opts: BuildOptions) => {
      wantsJson = opts.json;
      const config = configFor(opts.mode ? { 'orchestration.mode': opts.mode } : {});
      exitCode = await (await buildCommands()).buildCommand(words.join(' '), opts, config);
    });

  program
    .command('resume')
    .description('continue a task whose process stopped (killed or shut down mid-build) from its last committed step')
    .argument('<task_id>', 'the task id printed by `catalyst build` (or its first 8 characters)')
    .option('--json', 'print one JSON object with the result on stdout (progress goes to stderr)', false)
    .addOption(
      new Option('--progress <how>', 'progress on stderr: auto, lines, json, none')
        .choices(['auto', 'lines', 'json', 'none'])
        .default('auto'),
    )
    .option('--foreground', 'keep the preview in this process until Ctrl-C (default: hand it to a supervisor and return)', false)
    .action(async (taskId: string, opts: BuildOptions) => {
      wantsJson = opts.json;
      exitCode = await (await buildCommands()).resumeCommand(taskId, opts, configFor());
    });

  program
    .command('events')
    .description("list a task's recorded events in order")
    .argument('<task_id>', 'the task id printed by `catalyst build`')
    .option('--json', 'print JSON', false)
    .action(async (taskId: string, opts: { json: boolean }) => {
      exitCode = await (await import('./events-command.ts')).eventsCommand(taskId, opts, configFor());
    });

  program
    .command('doctor')
    .description('check this machine and every configured service; exit 1 when something configured does not answer')
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: { json: boolean }) => {
      exitCode = await (await import('./doctor-command.ts')).doctorCommand(opts, configFor());
    });

  program
    .command('models')
    .description("list each agent's language model and check that its provider answers; exit 1 when one does not")
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: { json: boolean }) => {
      exitCode = await (await import('./models-command.ts')).modelsCommand(opts, configFor());
    });

  program
    .command('worker')
    .description('consume agent queues in event-driven mode (needs RABBITMQ_URL and POSTGRES_URL)')
    .option('--agents <ids>', 'comma-separated agents to run, e.g. planner,architect (default: all)')
    .option('--no-relay', 'do not publish the outbox from this process')
    .action(async (opts: { agents?: string; relay: boolean }) => {
      exitCode = await (await import('./worker-command.ts')).workerCommand(opts, configFor({ 'orchestration.mode': 'event_driven' }));
    });

  program
    .command('serve')
    .description('serve the web UI and the HTTP/WebSocket API (port: server.port, default 3000) until Ctrl-C')
    .option('--port <port>', 'listen on this port instead of server.port')
    .option('--host <host>', 'listen on this address instead of server.host')
    .addOption(new Option('--mode <mode>', 'orchestration mode').choices(['sequential', 'event_driven']))
    .action(async (opts: { port?: string; host?: string; mode?: string }) => {
      const overrides: Record<string, unknown> = {};
      if (opts.port !== undefined) overrides['server.port'] = Number(opts.port);
      if (opts.host !== undefined) overrides['server.host'] = opts.host;
      if (opts.mode !== undefined) overrides['orchestration.mode'] = opts.mode;
      exitCode = await (
        await import('../server/serve.ts')
      ).serveUntilSignal(configFor(overrides), (line) => process.stderr.write(`${line}\n`));
    });

  program
    .command('explore')
    .description('scan a git repository, a running app or a database and report what it found (spec §4.7)')
    .argument('<target>', 'a git URL or repository path, an http(s) URL of a running app, or a postgres:// / mysql:// / mongodb:// URL')
    .addOption(
      new Option('--type <type>', 'what the target is (default: read from the target)').choices(['github', 'deployment', 'database']),
    )
    .addOption(
      new Option('--depth <depth>', 'repository scans: quick, standard or full (adds history and the dependency audit)').choices([
        'quick',
        'standard',
        'full',
      ]),
    )
    .option('--token <token>', 'repository scans: a token for a private repository (default: storage.git.github_token, i.e. $GITHUB_TOKEN)')
    .option('--api-key <key>', 'deployment scans: sent as a bearer token')
    .option('--json', 'print the scan record and findings as JSON', false)
    .action(
      async (
        target: string,
        opts: {
          type?: 'github' | 'deployment' | 'database';
          depth?: 'quick' | 'standard' | 'full';
          token?: string;
          apiKey?: string;
          json: boolean;
        },
      ) => {
        wantsJson = opts.json;
        const config = configFor();
        exitCode = await (
          await exploreCommands()
        ).exploreCommand(target, { ...opts, token: opts.token ?? (config.storage.git.github_token || undefined) }, config);
      },
    );

  program
    .command('scans')
    .description('list explorer scans, or show one')
    .argument('[scan_id]', 'a scan id printed by `catalyst explore`')
    .option('--json', 'print JSON', false)
    .action(async (scanId: string | undefined, opts: { json: boolean }) => {
      wantsJson = opts.json;
      exitCode = await (await exploreCommands()).scansCommand(scanId, opts, configFor());
    });

  const preview = program.command('preview').description('manage live previews');
  preview
    .command('list')
    .description('list live previews (checks each one is really up)')
    .option('--all', 'include stopped and failed previews', false)
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean; all: boolean }) => {
      exitCode = await (await previewCommands()).previewListCommand(opts, configFor());
    });
  preview
    .command('stop')
    .description('stop the preview of a task')
    .argument('<task_id>', 'task id (or its first 8 characters)')
    .option('--json', 'print JSON', false)
    .action(async (taskId: string, opts: { json: boolean }) => {
      exitCode = await (await previewCommands()).previewStopCommand(taskId, opts, configFor());
    });
  preview
    .command('restart')
    .description('restart the preview of a task')
    .argument('<task_id>', 'task id (or its first 8 characters)')
    .option('--json', 'print JSON', false)
    .action(async (taskId: string, opts: { json: boolean }) => {
      exitCode = await (await previewCommands()).previewRestartCommand(taskId, opts, configFor());
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      // Commander has already printed the message on stderr; a script reading --json output gets it too.
      if (wantsJson)
        printJsonError({
          code: 'invalid_option',
          message: e.message.replace(/^error: /, ''),
          hint: 'run `catalyst --help` for usage',
          phase: 'usage',
        });
      return EXIT.usage;
    }
    const error = AppError.from(e);
    printError(error, wantsJson);
    return exitCodeFor(error);
  }
}
