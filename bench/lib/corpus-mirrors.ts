// Local mirrors of the corpus repos, served to Slipway by the test env's git daemon. The machines
// cannot reach git hosts: a mirrors dir holds one bare repo per corpus repo, named
// `<owner>+<name>` (the layout of /work/.mirror, where that bare repo is `<owner>+<name>/repo`).
// A mirror is published as a symlink in the daemon's base path (SLIPWAY_GIT_ROOT): nothing is
// copied, and Slipway clones it over git:// as it would clone GitHub.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { realpath, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The bare git dir of `owner/name` in `dir`: `<owner>+<name>` itself, or its `repo/`; undefined if neither is one. */
export async function findMirror(dir: string, repo: string): Promise<string | undefined> {
  const base = path.join(dir, repo.replace('/', '+'));
  for (const candidate of [path.join(base, 'repo'), base, `${base}.git`]) {
    const isBare = await stat(path.join(candidate, 'HEAD')).then((s) => s.isFile(), () => false);
    if (isBare) return realpath(candidate);
  }
  return undefined;
}

/** True when the mirror holds commit `sha`. */
export async function hasCommit(gitDir: string, sha: string): Promise<boolean> {
  return run('git', ['--git-dir', gitDir, 'cat-file', '-t', sha]).then(({ stdout }) => stdout.trim() === 'commit', () => false);
}

/** The branch the mirror's HEAD names (`main`, `master`), which the app tracks. */
export async function headBranch(gitDir: string): Promise<string> {
  const { stdout } = await run('git', ['--git-dir', gitDir, 'symbolic-ref', '--short', 'HEAD']).catch(() => ({ stdout: 'main' }));
  return stdout.trim() || 'main';
}

export interface ServedMirror {
  url: string;
  unpublish(): Promise<void>;
}

/** Serves `gitDir` through the git daemon under a fresh name; `unpublish` removes the link only. */
export async function publishMirror(params: { gitDir: string; repo: string; gitRoot: string; gitUrl: string }): Promise<ServedMirror> {
  const name = `corpus-${params.repo.replace('/', '+')}-${randomUUID().slice(0, 8)}.git`;
  const link = path.join(params.gitRoot, name);
  await symlink(params.gitDir, link);
  return { url: `${params.gitUrl}/${name}`, unpublish: () => rm(link, { force: true }) };
}
