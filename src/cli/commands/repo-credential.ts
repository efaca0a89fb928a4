import { readFileSync, statSync } from 'node:fs';
import type { Build } from '../../store/types.js';
import type { RepoCredentialView } from '../../store/views.js';
import { apiPath } from '../api-path.js';
import { CliError, type ApiClient } from '../client.js';

type Print = (line: string) => void;

/** The flags new-app and `repo-credential set` share (commander's names). */
export interface RepoCredentialOptions {
  /** `TOKEN`, `USER:TOKEN`, or `@file` holding either. */
  repoToken?: string;
  /** `@file`: an SSH private key (never on the command line, where ps and shell history keep it). */
  deployKey?: string;
  generateDeployKey?: boolean;
  /** `@file` (ssh-keyscan's output) or one known_hosts line. */
  knownHosts?: string;
}

const FILE_LIMIT = 65_536;

/** A value given as `@path` is read from that file (trailing newlines off). */
function valueOrFile(value: string, flag: string): string {
  if (!value.startsWith('@')) return value;
  const file = value.slice(1);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`${flag}: cannot read ${file}`);
  }
  if (size > FILE_LIMIT) throw new CliError(`${flag}: ${file} is larger than ${FILE_LIMIT} bytes`);
  return readFileSync(file, 'utf8').replace(/\n+$/, '');
}

/** The API body for the flags given, or undefined when none is (a public repo). */
export function repoCredentialInput(options: RepoCredentialOptions): Record<string, string> | undefined {
  const given = [options.repoToken !== undefined && '--repo-token', options.deployKey !== undefined && '--deploy-key', options.generateDeployKey && '--generate-deploy-key'].filter(Boolean);
  if (given.length > 1) throw new CliError(`${given.join(' and ')} contradict each other: a repo has one credential`);
  if (options.knownHosts !== undefined && options.repoToken !== undefined) throw new CliError('--known-hosts goes with an SSH deploy key, not a token');
  if (!given.length) {
    if (options.knownHosts !== undefined) throw new CliError('--known-hosts needs --deploy-key or --generate-deploy-key');
    return undefined;
  }
  const knownHosts: Record<string, string> = options.knownHosts === undefined ? {} : { knownHosts: valueOrFile(options.knownHosts, '--known-hosts') };
  if (options.repoToken !== undefined) {
    const value = valueOrFile(options.repoToken, '--repo-token').trim();
    const colon = value.indexOf(':');
    return colon > 0 ? { username: value.slice(0, colon), token: value.slice(colon + 1) } : { token: value };
  }
  if (options.deployKey !== undefined) {
    if (!options.deployKey.startsWith('@')) throw new CliError('--deploy-key takes @FILE: a private key on the command line would stay in ps and the shell history');
    return { privateKey: valueOrFile(options.deployKey, '--deploy-key'), ...knownHosts };
  }
  return { generate: 'ed25519', ...knownHosts };
}

/** What the API says of a credential: never the secret, which it does not answer with. */
export function printRepoCredential(view: RepoCredentialView, print: Print): void {
  print(`kind:      ${view.kind === 'token' ? `token (user ${view.username})` : 'SSH deploy key'}  sha256:${view.sha256}`);
  if (view.kind === 'ssh-key') {
    const hostKeys = view.knownHosts ? `${view.knownHosts.trim().split('\n').length} line(s), ${view.hostKeys}` : 'none yet: learned and pinned on first use';
    print(`host keys: ${hostKeys}`);
  }
  if (view.publicKey) {
    print('public key (add it to the git host as a read-only deploy key):');
    print(`  ${view.publicKey}`);
  }
}

/** `slipway repo-credential set|show|remove <app>`. */
export async function repoCredentialCommand(params: { client: ApiClient; action: 'set' | 'show' | 'remove'; app: string; options: RepoCredentialOptions; print: Print }): Promise<void> {
  const { client, action, app, options, print } = params;
  if (action === 'remove') {
    await client.request('DELETE', apiPath`/apps/${app}/repo-credential`);
    return print(`${app}: repo credential removed; the repo is cloned without one from now on`);
  }
  if (action === 'show') return printRepoCredential(await client.get<RepoCredentialView>(apiPath`/apps/${app}/repo-credential`), print);
  const input = repoCredentialInput(options);
  if (!input) throw new CliError('repo-credential set needs --repo-token, --deploy-key or --generate-deploy-key');
  printRepoCredential(await client.request<RepoCredentialView>('PUT', apiPath`/apps/${app}/repo-credential`, input), print);
}

/** `slipway start-build <app>`: builds the tracked branch's head now (as `oc start-build`). */
export async function startBuildCommand(params: { client: ApiClient; app: string; print: Print }): Promise<void> {
  const build = await params.client.post<Build>(apiPath`/apps/${params.app}/builds`, {});
  params.print(`--> Build ${build.id} of ${build.sha.slice(0, 7)} queued (slipway logs ${build.id} -f)`);
}
