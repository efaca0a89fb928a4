import { mkdir, rm } from 'node:fs/promises';
import { BuildStepError, SlipwayError } from '../errors.js';
import type { RepoAccess } from '../store/repo-credential-store.js';
import { COMMIT_ID } from './commit-id.js';
import { withGitAuth } from './git-auth.js';
import { gitClient } from './git-client.js';
import { credentialFailure } from './git-failure.js';
import { checkRepoUrl, pinnedGitConfig, type Lookup } from './repo-host.js';
import type { RepoUrlPolicy } from './repo-url.js';

/**
 * Puts exactly commit `sha` of `url` into `dir`, and nothing else: a shallow fetch of that
 * commit (works for any ref, branch or not, with protocol v2 servers such as GitHub's and
 * `git daemon`), with a full fetch as fallback for servers that refuse unadvertised wants.
 * The URL is checked again first (its host may resolve elsewhere since the app was created),
 * and git is held to the addresses checked, with no redirects: a refusal fails the clone.
 * A private repo's credential (`access`) is used for the fetch only (git-auth.ts): the remote
 * URL in the checkout's .git/config is the app's, with nothing added.
 */
export async function cloneCommit(params: {
  url: string;
  sha: string;
  dir: string;
  policy: RepoUrlPolicy;
  access?: RepoAccess;
  lookup?: Lookup;
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<void> {
  const { url, sha, dir } = params;
  if (!COMMIT_ID.test(sha)) throw cloneFailed(`"${sha}" is not a full commit id`);
  const target = await checkRepoUrl({ url, policy: params.policy, lookup: params.lookup }).catch((error: unknown) => {
    throw cloneFailed(error instanceof Error ? error.message : String(error));
  });
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const local = gitClient({ baseDir: dir, timeoutMs: params.timeoutMs, signal: params.signal, config: pinnedGitConfig(target) });
  await local.init().addRemote('origin', url);
  await withGitAuth(params.access, async (auth) => {
    const git = gitClient({ baseDir: dir, timeoutMs: params.timeoutMs, signal: params.signal, config: pinnedGitConfig(target), auth });
    try {
      await git.fetch(['--depth', '1', '--no-tags', 'origin', sha]);
    } catch (shallowError) {
      // A refused credential fails the same way for any fetch: say so, and do not ask twice.
      if (credentialFailure(gitMessage(shallowError))) throw cloneFailed(gitMessage(shallowError));
      try {
        await git.fetch(['--no-tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
      } catch {
        throw cloneFailed(gitMessage(shallowError));
      }
      const found = await git.raw(['cat-file', '-t', sha]).then((t) => t.trim() === 'commit', () => false);
      if (!found) throw cloneFailed(`commit ${sha} does not exist in ${url}`);
    }
  });
  await local.raw(['-c', 'advice.detachedHead=false', 'checkout', '--detach', sha]);
  const head = (await local.revparse(['HEAD'])).trim();
  if (head !== sha) throw cloneFailed(`checked out ${head}, expected ${sha}`);
}

export function gitMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
}

/** BUILD_CLONE_FAILED, or the credential's own code (REPO_AUTH_FAILED, REPO_HOST_KEY_MISMATCH) with what to do. */
function cloneFailed(reason: string): BuildStepError {
  const credential = credentialFailure(reason);
  const message = credential ? `${reason} (${credential.hint})` : reason;
  return new BuildStepError({ code: credential?.code ?? 'BUILD_CLONE_FAILED', step: 'cloning', message });
}

/** Resolves a branch to its current commit with `git ls-remote`, without cloning (the URL checked again first). */
export async function resolveBranch(params: { url: string; branch: string; policy: RepoUrlPolicy; access?: RepoAccess; lookup?: Lookup; timeoutMs?: number }): Promise<string> {
  const { url, branch } = params;
  const target = await checkRepoUrl({ url, policy: params.policy, lookup: params.lookup });
  const out = await withGitAuth(params.access, (auth) =>
    gitClient({ timeoutMs: params.timeoutMs ?? 60_000, config: pinnedGitConfig(target), auth }).listRemote(['--', url, `refs/heads/${branch}`]),
  ).catch((error: unknown) => {
    throw repoFailure(url, error);
  });
  const sha = out.split(/\s+/)[0] ?? '';
  if (!COMMIT_ID.test(sha)) throw new SlipwayError('REPO_REF_NOT_FOUND', `branch "${branch}" does not exist in ${url}`, { url, branch });
  return sha;
}

/** REPO_UNREACHABLE, or REPO_AUTH_FAILED / REPO_HOST_KEY_MISMATCH when git says the credential is the problem. */
export function repoFailure(url: string, error: unknown): SlipwayError {
  const message = gitMessage(error);
  const credential = credentialFailure(message);
  if (credential) return new SlipwayError(credential.code, `cannot read ${url}: ${message} (${credential.hint})`, { url });
  return new SlipwayError('REPO_UNREACHABLE', `cannot read ${url}: ${message}`, { url });
}
