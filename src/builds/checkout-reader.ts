import path from 'node:path';
import type { PlanInput } from './plan.js';
import type { RepoFiles } from './repo-files.js';

/**
 * The planners' view of a checkout on disk: its context dir's files, read on demand through
 * RepoFiles (inside the checkout only, size-capped; a refusal is a BUILD_REPO_INVALID).
 */
export function checkoutReader(params: { repo: RepoFiles; contextDir: string; files: string[] }): PlanInput {
  const { repo, files } = params;
  const inContext = (file: string) => path.posix.join(params.contextDir, file);
  return {
    contextDir: path.join(repo.root, params.contextDir),
    relativeDir: path.posix.normalize(params.contextDir),
    files,
    read: (file) => repo.read(inContext(file)),
    list: (dir) => repo.list(inContext(dir)),
  };
}
