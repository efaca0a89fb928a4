import { mkdir, rm } from 'node:fs/promises';
import { BuildStepError, SlipwayError } from '../errors.js';
import { COMMIT_ID } from './commit-id.js';
import { gitClient } from './git-client.js';
import { checkRepoUrl, pinnedGitConfig, type Lookup } from './repo-host.js';
import type { RepoUrlPolicy } from './repo-url.js';

/**
 * Puts exactly commit `sha` of `url` into `dir`, and nothing else: a shallow fetch of that
 * commit (works for any ref, branch or not, with protocol v2 servers such as GitHub's and
 * `git daemon`), with a full fetch as fallback for servers that refuse unadvertised wants.
 * The URL is checked again first (its host may resolve elsewhere since the app was created),
 * and git is held to the addresses checked, with no redirects: a refusal fails the clone.
 */
export async function cloneCommit(params: {
  url: string;
  sha: string;
  dir: string;
  policy: RepoUrlPolicy;
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
  const git = gitClient({ baseDir: dir, timeoutMs: params.timeoutMs, signal: params.signal, config: pinnedGitConfig(target) });
  await git.init().addRemote('origin', url);
  try {
    await git.fetch(['--depth', '1', '--no-tags', 'origin', sha]);
  } catch (shallowError) {
    try {
      await git.fetch(['--no-tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
    } catch {
      throw cloneFailed(gitMessage(shallowError));
    }
    const found = await git.raw(['cat-file', '-t', sha]).then((t) => t.trim() === 'commit', () => false);
    if (!found) throw cloneFailed(`commit ${sha} does not exist in ${url}`);
  }
  await git.raw(['-c', 'advice.detachedHead=false', 'checkout', '--detach', sha]);
  const head = (await git.revparse(['HEAD'])).trim();
  if (head !== sha) throw cloneFailed(`checked out ${head}, expected ${sha}`);
}

export function gitMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
}

function cloneFailed(reason: string): BuildStepError {
  return new BuildStepError({ code: 'BUILD_CLONE_FAILED', step: 'cloning', message: reason });
}

/** Resolves a branch to its current commit with `git ls-remote`, without cloning (the URL checked again first). */
export async function resolveBranch(params: { url: string; branch: string; policy: RepoUrlPolicy; lookup?: Lookup; timeoutMs?: number }): Promise<string> {
  const { url, branch } = params;
  const target = await checkRepoUrl({ url, policy: params.policy, lookup: params.lookup });
  const out = await gitClient({ timeoutMs: params.timeoutMs ?? 60_000, config: pinnedGitConfig(target) })
    .listRemote(['--', url, `refs/heads/${branch}`])
    .catch((error: unknown) => {
      throw new SlipwayError('REPO_UNREACHABLE', `cannot read ${url}: ${gitMessage(error)}`, { url });
    });
  const sha = out.split(/\s+/)[0] ?? '';
  if (!COMMIT_ID.test(sha)) throw new SlipwayError('REPO_REF_NOT_FOUND', `branch "${branch}" does not exist in ${url}`, { url, branch });
  return sha;
}
