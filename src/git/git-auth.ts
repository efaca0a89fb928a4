import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RepoAccess } from '../store/repo-credential-store.js';

/** What a git client adds to reach a private repo: environment, `-c` settings, and simple-git's leave to use them. */
export interface GitAuth {
  env: Record<string, string>;
  config: string[];
  /** GIT_* variables the client sets (simple-git refuses unlisted ones). */
  allowEnvironment: string[];
  /** simple-git's guards lifted for what Slipway sets itself, never for anything from a repo or a user. */
  unsafe: { allowUnsafeAskPass?: true; allowUnsafeSshCommand?: true; allowUnsafeCredentialHelper?: true };
}

// Answers git's prompts from the environment: the token is never in a file, an argument or a URL.
const ASKPASS = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$SLIPWAY_GIT_USERNAME" ;;
  *) printf '%s\\n' "$SLIPWAY_GIT_PASSWORD" ;;
esac
`;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `run` with what git needs to use the app's credential, in a 0700 temp dir outside any
 * checkout that is removed as soon as `run` ends (`access` undefined: a public repo, nothing set).
 *
 * HTTPS: GIT_ASKPASS points at a script holding no secret, which prints the user name and token
 * from variables of the git process only; `credential.helper` is emptied so no helper of the
 * machine's (a `store` in ~/.gitconfig) writes the token down after a successful fetch.
 * SSH: the key in a 0600 file for the duration, ssh told to use only it (no agent, no ~/.ssh,
 * no ssh_config) and to check the host against the app's pinned known_hosts, strictly; with none
 * pinned yet, the first host key seen is accepted and handed to `onHostKeysLearned` to be pinned.
 */
export async function withGitAuth<T>(access: RepoAccess | undefined, run: (auth?: GitAuth) => Promise<T>): Promise<T> {
  if (!access) return run(undefined);
  const { credential } = access;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-git-auth-'));
  try {
    await chmod(dir, 0o700);
    if (credential.kind === 'token') {
      const askpass = path.join(dir, 'askpass');
      await writeFile(askpass, ASKPASS, { mode: 0o700 });
      return await run({
        env: { GIT_ASKPASS: askpass, SLIPWAY_GIT_USERNAME: credential.username, SLIPWAY_GIT_PASSWORD: credential.token },
        config: ['credential.helper='],
        allowEnvironment: ['GIT_ASKPASS'],
        unsafe: { allowUnsafeAskPass: true, allowUnsafeCredentialHelper: true },
      });
    }
    const key = path.join(dir, 'key');
    const knownHosts = path.join(dir, 'known_hosts');
    await writeFile(key, credential.privateKey, { mode: 0o600 });
    await writeFile(knownHosts, credential.knownHosts ?? '', { mode: 0o600 });
    const ssh = [
      'ssh -F /dev/null',
      `-i ${quote(key)}`,
      '-o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o PasswordAuthentication=no',
      `-o UserKnownHostsFile=${quote(knownHosts)} -o GlobalKnownHostsFile=/dev/null -o HashKnownHosts=no -o UpdateHostKeys=no`,
      `-o StrictHostKeyChecking=${credential.knownHosts ? 'yes' : 'accept-new'}`,
      '-o ConnectTimeout=30',
    ].join(' ');
    try {
      return await run({ env: { GIT_SSH_COMMAND: ssh }, config: [], allowEnvironment: ['GIT_SSH_COMMAND'], unsafe: { allowUnsafeSshCommand: true } });
    } finally {
      if (!credential.knownHosts) {
        const learned = (await readFile(knownHosts, 'utf8').catch(() => '')).trim();
        if (learned) await access.onHostKeysLearned(learned + '\n');
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
