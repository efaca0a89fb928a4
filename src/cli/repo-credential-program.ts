import type { Command } from 'commander';
import type { ApiClient } from './client.js';
import { repoCredentialCommand, startBuildCommand, type RepoCredentialOptions } from './commands/repo-credential.js';

type Run = <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** The flags that give an app a repo credential, on new-app and `repo-credential set`. */
export function repoCredentialFlags(command: Command): Command {
  return command
    .option('--repo-token <token|user:token|@file>', 'HTTPS token for a private repo (user name default x-access-token)')
    .option('--deploy-key <@file>', 'SSH private key (deploy key) for a private repo')
    .option('--generate-deploy-key', 'make an ed25519 deploy key and print its public half to add to the git host')
    .option('--known-hosts <line|@file>', "the SSH host's keys (ssh-keyscan HOST); default: learned on first use and pinned");
}

/** issue 19, private repos: `repo-credential set|show|remove` and `start-build`. */
export function addRepoCredentialCommands(params: { program: Command; run: Run; client: () => ApiClient; print: (line: string) => void }): void {
  const { program, run, client, print } = params;
  const group = program.command('repo-credential').description("an app's HTTPS token or SSH deploy key for a private repo: write-only, never printed");
  repoCredentialFlags(group.command('set').argument('<app>').description('set or rotate it')).action(
    run(async (app: string, options: RepoCredentialOptions) => repoCredentialCommand({ client: client(), action: 'set', app, options, print })),
  );
  group
    .command('show')
    .argument('<app>')
    .description('its kind, fingerprint, public key and pinned host keys')
    .action(run(async (app: string) => repoCredentialCommand({ client: client(), action: 'show', app, options: {}, print })));
  group
    .command('remove')
    .argument('<app>')
    .action(run(async (app: string) => repoCredentialCommand({ client: client(), action: 'remove', app, options: {}, print })));
  program
    .command('start-build')
    .argument('<app>')
    .description("build the tracked branch's head now")
    .action(run(async (app: string) => startBuildCommand({ client: client(), app, print })));
}
