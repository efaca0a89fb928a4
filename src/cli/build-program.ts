import type { Command } from 'commander';
import type { ApiClient } from './client.js';
import { buildConfigCommand, buildSecretCommand, type BuildConfigOptions } from './commands/build-settings.js';

type Run = <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** build-config and build-secret: how an app is built, as an OpenShift BuildConfig says. */
export function addBuildCommands(params: { program: Command; run: Run; client: () => ApiClient; print: (line: string) => void }): void {
  const { program, run, client, print } = params;
  const repeat = (value: string, previous: string[]) => [...previous, value];

  program
    .command('build-config')
    .argument('<app>')
    .description('show or change how an app is built (applies from its next build)')
    .option('--builder <name>', 'pin an S2I builder instead of detecting one')
    .option('--detect', 'go back to detecting the builder')
    .option('--context-dir <dir>', 'directory of the repo to build')
    .option('--dockerfile <path>', 'Dockerfile path in the context dir ("" to detect again)')
    .option('--build-arg <K=V>', 'set a build argument (repeatable)', repeat, [])
    .option('--unset-build-arg <K>', 'remove a build argument (repeatable)', repeat, [])
    .option('--test <script>', 'post-build test run in the new image before it is pushed')
    .option('--no-test', 'remove the post-build test')
    .action(run(async (app: string, options: BuildConfigOptions) => buildConfigCommand({ client: client(), app, options, print })));

  const secret = program.command('build-secret').description('secrets for builds only (e.g. NPM_TOKEN): in no layer of the image, never printed');
  for (const action of ['set', 'unset', 'list'] as const) {
    secret
      .command(action)
      .argument('<app>')
      .argument(action === 'list' ? '[none...]' : '<args...>', action === 'set' ? 'NAME=VALUE...' : 'NAME...')
      .action(run(async (app: string, args: string[]) => buildSecretCommand({ client: client(), action, app, args: action === 'list' ? [] : args, print })));
  }
}
