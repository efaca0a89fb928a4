#!/usr/bin/env node
// The `slipway` command: talks to the Slipway API with a token (see cli/client.ts).
import { Command, Option } from 'commander';
import { ApiClient, CliError, loadSettings } from './client.js';
import {
  appsCommand,
  buildsCommand,
  cancelCommand,
  deleteCommand,
  logsCommand,
  releasesCommand,
  rollbackCommand,
  rotateSecretCommand,
  statusCommand,
} from './commands/inspect.js';
import { deployCommand, type DeployOptions } from './commands/deploy.js';
import { newApp, type NewAppOptions } from './commands/new-app.js';
import { processCommand } from './commands/templates.js';
import { addBuildCommands } from './build-program.js';
import { addLifecycleCommands } from './lifecycle-program.js';
import { addFileCommands } from './file-program.js';
import { addRepoCredentialCommands, repoCredentialFlags } from './repo-credential-program.js';

const print = (line: string) => process.stdout.write(`${line}\n`);
const warn = (line: string) => process.stderr.write(`${line}\n`);
const repeat = (value: string, previous: string[]) => [...previous, value];
const client = () => new ApiClient(loadSettings());

/** Builds the command tree; `run` wraps each action so every failure is one line and exit 1. */
export function buildProgram(): Command {
  const program = new Command('slipway').description('git push to a running, health-checked release on Kubernetes').showHelpAfterError();
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (error) {
        warn(`error: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = error instanceof CliError ? error.exitCode : 1;
      }
    };

  repoCredentialFlags(program.command('new-app'))
    .description('create an app from a git repo (build, deploy, wait until it is ready), or provision a template')
    .argument('[repo]', 'repository URL, optionally #branch')
    .option('--name <name>', 'app name (default: from the repo)')
    .option('--context-dir <dir>', 'directory of the repo to build')
    .option('--env <K=V>', 'runtime environment variable (repeatable)', repeat, [])
    .option('--build-env <K=V>', 'build argument (repeatable)', repeat, [])
    .addOption(new Option('--strategy <strategy>', 'docker (use the Dockerfile) or source (detect a builder)').choices(['docker', 'source']))
    .option('--builder <name>', 'S2I builder to use instead of detecting one (see README: Builders)')
    .option('--link-db <secret>', "consume a database's Secret as env (repeatable)", repeat, [])
    .option('--namespace <ns>', 'namespace to deploy or provision into')
    .option('--template <name|file>', 'provision a built-in template or a template file instead')
    .option('-p, --param <K=V>', 'template parameter (repeatable)', repeat, [])
    .option('--param-file <file>', 'template parameters, KEY=VALUE per line')
    .option('--ignore-unknown-parameters', 'with --template: do not fail on -p names the template does not declare')
    .option('--no-wait', 'return once queued, without waiting for the build and release')
    .option('--timeout <seconds>', 'how long to wait', '900')
    .option('--dry-run', 'print what would be created and applied, and the diff against the cluster; change nothing')
    .option('-o, --output <format>', 'with --dry-run: also print the manifests, yaml or json')
    .action(run(async (repo: string | undefined, options: NewAppOptions) => newApp({ client: client(), repo, options, print })));

  program
    .command('deploy')
    .argument('<app>')
    .option('--image <ref>', 'an image by digest (repo@sha256:...); default: the current image again')
    .option('--build <id>', 'the image of a succeeded build')
    .option('--dry-run', 'print what the release would apply and the diff against the live objects; change nothing')
    .option('-o, --output <format>', 'with --dry-run: also print the manifests, yaml or json')
    .option('--no-wait', 'do not wait for the release')
    .description('make a release of an image, a build, or the current image (with its current config)')
    .action(run(async (app: string, options: DeployOptions) => deployCommand({ client: client(), app, options, print })));

  program
    .command('process')
    .description('print the objects a template makes (OpenShift kinds translated), like oc process')
    .argument('[template]', 'built-in template name or a file')
    .option('-f, --filename <file>', 'the template file (as oc process -f)')
    .option('-p, --param <K=V>', 'parameter (repeatable)', repeat, [])
    .option('--param-file <file>', 'parameters, KEY=VALUE per line')
    .option('--ignore-unknown-parameters', 'do not fail on -p names the template does not declare')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .option('--local', 'process and translate here, without the API or a token (like oc process --local)')
    .action(run(async (template: string | undefined, options) => processCommand({ client, template, options, print, warn })));

  program.command('apps').description('list apps').action(run(async () => appsCommand(client(), print)));
  program.command('builds').argument('<app>').description("list an app's builds").action(run(async (app: string) => buildsCommand(client(), app, print)));
  program
    .command('logs')
    .argument('<build>')
    .option('-f, --follow', 'stream until the build ends')
    .description("print a build's log")
    .action(run(async (buildId: string, options: { follow?: boolean }) => logsCommand({ client: client(), buildId, follow: Boolean(options.follow), print })));
  program.command('cancel').argument('<build>').description('cancel a queued or running build').action(run(async (buildId: string) => cancelCommand(client(), buildId, print)));
  program
    .command('webhook-secret')
    .argument('<app>')
    .description("rotate an app's webhook secret (prints the new one once)")
    .action(run(async (app: string) => rotateSecretCommand(client(), app, print)));
  program.command('releases').argument('<app>').description("list an app's releases").action(run(async (app: string) => releasesCommand(client(), app, print)));
  program
    .command('rollback')
    .argument('<app>')
    .option('--to <n>', 'release number (default: the one before the current)')
    .option('--no-wait', 'do not wait for the rollback to be ready')
    .description('roll back to an earlier release, image and config')
    .action(run(async (app: string, options: { to?: string; wait: boolean }) => rollbackCommand({ client: client(), app, to: options.to, wait: options.wait, print })));
  program.command('status').argument('<app>').description('current release and latest build').action(run(async (app: string) => statusCommand(client(), app, print)));
  program
    .command('delete')
    .argument('<app>')
    .option('--delete-volumes', 'also delete its PersistentVolumeClaims (kept by default)')
    .description('delete an app and its cluster objects')
    .action(run(async (app: string, options: { deleteVolumes?: boolean }) => deleteCommand({ client: client(), app, deleteVolumes: Boolean(options.deleteVolumes), print })));
  addLifecycleCommands({ program, run, client, print });
  addBuildCommands({ program, run, client, print });
  addRepoCredentialCommands({ program, run, client, print });
  addFileCommands({ program, run, client, print });
  return program;
}

await buildProgram().parseAsync(process.argv);
