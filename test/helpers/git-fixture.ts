import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { simpleGit, type SimpleGit } from 'simple-git';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/apps');

export interface PublishedRepo {
  /** What Slipway clones: the local git daemon's git:// URL. */
  url: string;
  sha: string;
  branch: string;
  /** Commits more files on the branch and pushes; returns the new sha. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Publishes a fixture app as a fresh bare repo served by the local git daemon. */
export async function publishFixture(fixture: string, branch = 'main'): Promise<PublishedRepo> {
  return publishTree({ name: fixture, fixture, branch });
}

/**
 * Publishes a repo made here: a fixture app (or nothing) plus `files` and symbolic `links`
 * (path → target, committed as links, as a hostile repo would), as a fresh bare repo.
 */
export async function publishTree(params: { name: string; fixture?: string; files?: Record<string, string | Buffer>; links?: Record<string, string>; branch?: string }): Promise<PublishedRepo> {
  const { fixture, branch = 'main' } = params;
  const name = `${params.name}-${randomUUID().slice(0, 8)}`;
  const bare = path.join(process.env.SLIPWAY_GIT_ROOT!, `${name}.git`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'slipway-fixture-'));
  if (fixture) await cp(path.join(FIXTURES, fixture), work, { recursive: true });
  for (const [file, content] of Object.entries(params.files ?? {})) {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  }
  for (const [link, target] of Object.entries(params.links ?? {})) {
    await mkdir(path.dirname(path.join(work, link)), { recursive: true });
    await symlink(target, path.join(work, link));
  }
  await simpleGit().raw(['init', '--bare', '-q', '-b', branch, bare]);
  const git: SimpleGit = simpleGit(work);
  await git.init(['-q', '-b', branch]);
  await git.addConfig('user.name', 'Fixture').addConfig('user.email', 'fixture@example.test');
  await git.add('.').commit(`${params.name}: initial`);
  await git.addRemote('origin', bare).push('origin', branch);
  const head = async () => (await git.revparse(['HEAD'])).trim();
  return {
    url: `${process.env.SLIPWAY_GIT_URL}/${name}.git`,
    sha: await head(),
    branch,
    async commit(files, message = 'change') {
      for (const [file, content] of Object.entries(files)) await writeFile(path.join(work, file), content);
      await git.add('.').commit(message);
      await git.push('origin', branch);
      return head();
    },
    async cleanup() {
      await rm(work, { recursive: true, force: true });
      await rm(bare, { recursive: true, force: true });
    },
  };
}
