import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { SlipwayError } from '../errors.js';
import type { RepoAccess } from '../store/repo-credential-store.js';
import { gitMessage, repoFailure, resolveBranch } from './clone.js';
import { COMMIT_ID } from './commit-id.js';
import { withGitAuth } from './git-auth.js';
import { gitClient } from './git-client.js';
import { checkRepoUrl, pinnedGitConfig, type Lookup } from './repo-host.js';
import type { RepoUrlPolicy } from './repo-url.js';

/** How far back from the branch head a commit may be and still count as on the branch. */
export const BRANCH_HISTORY_DEPTH = 1000;
const CHECK_TIMEOUT_MS = 60_000;

export type BranchContains = { onBranch: true; head: boolean } | { onBranch: false; reason: string };

/**
 * Whether commit `sha` is the head of `branch` in the repo, or one of the newest
 * BRANCH_HISTORY_DEPTH commits reachable from it. The head comes from `git ls-remote`; an older
 * commit is looked for in a shallow, commits-only fetch of the branch into a throw-away bare
 * repo under `workDir` (never the commit itself: a server would hand out any commit it has,
 * a fork's pull request included). Bounded: one minute in all. Unreachable repos throw
 * REPO_UNREACHABLE; a missing branch or commit is a plain "no".
 */
export async function branchContains(params: {
  url: string;
  branch: string;
  sha: string;
  policy: RepoUrlPolicy;
  /** A private repo's credential (git-auth.ts), for the ls-remote and the fetch. */
  access?: RepoAccess;
  workDir: string;
  lookup?: Lookup;
  timeoutMs?: number;
}): Promise<BranchContains> {
  const { url, branch, sha } = params;
  if (!COMMIT_ID.test(sha)) return { onBranch: false, reason: `"${sha}" is not a commit id` };
  const timeoutMs = params.timeoutMs ?? CHECK_TIMEOUT_MS;
  const head = await resolveBranch({ url, branch, policy: params.policy, access: params.access, lookup: params.lookup, timeoutMs }).catch((error: unknown) => {
    if (error instanceof SlipwayError && error.code === 'REPO_REF_NOT_FOUND') return undefined;
    throw error;
  });
  if (head === undefined) return { onBranch: false, reason: `branch "${branch}" does not exist` };
  if (head === sha) return { onBranch: true, head: true };

  const target = await checkRepoUrl({ url, policy: params.policy, lookup: params.lookup });
  await mkdir(params.workDir, { recursive: true });
  const dir = await mkdtemp(path.join(params.workDir, 'branch-check-'));
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`checking the branch took longer than ${timeoutMs} ms`)), timeoutMs);
  try {
    const git = gitClient({ baseDir: dir, timeoutMs, signal: abort.signal, config: pinnedGitConfig(target) });
    await git.raw(['init', '--bare', '-q']);
    const ref = `refs/heads/${branch}`;
    // tree:0: commits only, where the server allows filters (others ignore it and send all).
    await withGitAuth(params.access, (auth) =>
      gitClient({ baseDir: dir, timeoutMs, signal: abort.signal, config: pinnedGitConfig(target), auth }).raw(['fetch', '-q', '--no-tags', `--depth=${BRANCH_HISTORY_DEPTH}`, '--filter=tree:0', '--', url, `+${ref}:${ref}`]),
    ).catch((error: unknown) => {
      const failure = repoFailure(url, error);
      if (failure.code !== 'REPO_UNREACHABLE') throw failure;
      throw new SlipwayError('REPO_UNREACHABLE', `cannot fetch branch "${branch}" of ${url}: ${gitMessage(error)}`, { url, branch });
    });
    // rev-list walks only commits we hold: it never asks the server for a missing object, as
    // merge-base would in a partial clone.
    const commits = (await git.raw(['rev-list', `--max-count=${BRANCH_HISTORY_DEPTH}`, ref])).split('\n');
    return commits.includes(sha)
      ? { onBranch: true, head: false }
      : { onBranch: false, reason: `commit ${sha.slice(0, 12)} is not among the newest ${BRANCH_HISTORY_DEPTH} commits of branch "${branch}"` };
  } finally {
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  }
}
