import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RepoFiles } from '../../src/builds/repo-files.js';
import { SlipwayError } from '../../src/errors.js';

// A checkout as an attacker would write one, beside a "worker" directory it should never see.
const LIMIT = 4096;
let base: string;
let root: string;
let repo: RepoFiles;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'slipway-repo-files-'));
  root = path.join(base, 'checkout');
  const worker = path.join(base, 'worker');
  await mkdir(path.join(worker, 'secrets'), { recursive: true });
  await writeFile(path.join(worker, 'secrets', 'token'), 'WORKER-SECRET-TOKEN\n');
  await mkdir(path.join(root, '.s2i', 'bin'), { recursive: true });
  await mkdir(path.join(root, 'web', 'public'), { recursive: true });
  await mkdir(path.join(root, 'v2'), { recursive: true });
  await writeFile(path.join(root, 'package.json'), '{"name":"app"}');
  await writeFile(path.join(root, 'web', 'public', 'index.php'), '<?php');
  await writeFile(path.join(root, 'v2', 'Procfile'), 'web: node server.js\n');
  await writeFile(path.join(root, 'exactly-the-limit'), 'a'.repeat(LIMIT));
  await writeFile(path.join(root, 'one-byte-over'), 'a'.repeat(LIMIT + 1));
  await writeFile(path.join(root, 'huge.json'), Buffer.alloc(10 * 1024 * 1024, 0x61));
  const links: Array<[string, string]> = [
    ['.s2i/environment', '/etc/passwd'],
    ['Procfile', '/dev/zero'],
    ['escape-relative', '../worker/secrets/token'],
    ['worker-dir', '../worker'],
    ['worker-dir-absolute', path.join(base, 'worker')],
    ['current', 'v2'],
    ['inner-link', 'web/public/index.php'],
    ['up-and-back', '../checkout/package.json'],
    ['dangling', 'nothing-here'],
    ['loop-a', 'loop-b'],
    ['loop-b', 'loop-a'],
  ];
  for (const [link, target] of links) await symlink(target, path.join(root, link));
  execFileSync('mkfifo', [path.join(root, 'a-fifo')]);
  repo = await RepoFiles.open({ root, limit: LIMIT });
});

afterAll(() => rm(base, { recursive: true, force: true }));

/** The refusal `run` ends with, as `{ file, why }`; fails when it does not refuse. */
async function refusal(run: () => Promise<unknown>): Promise<{ file: string; why: string; message: string }> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SlipwayError && error.code === 'BUILD_REPO_INVALID') return { ...(error.details as { file: string; why: string }), message: error.message };
    throw error;
  }
  throw new Error('was not refused');
}

describe('RepoFiles.read', () => {
  test.each([
    ['a file', 'package.json', '{"name":"app"}'],
    ['a file in a folder', 'web/public/index.php', '<?php'],
    ['a link whose target is inside the checkout', 'inner-link', '<?php'],
    ['a folder link inside the checkout', 'current/Procfile', 'web: node server.js\n'],
    ['a link that leaves and comes back in', 'up-and-back', '{"name":"app"}'],
    ['a path that climbs and stays inside', 'web/../package.json', '{"name":"app"}'],
    ['a file of exactly the limit', 'exactly-the-limit', 'a'.repeat(LIMIT)],
    ['an absent file', 'Pipfile', undefined],
    ['a file under an absent folder', 'cmd/api/main.go', undefined],
    ['a link to nothing', 'dangling', undefined],
  ])('%s: read', async (_name, file, expected) => {
    expect(await repo.read(file)).toBe(expected);
  });

  test.each([
    ['.s2i/environment linked to /etc/passwd', '.s2i/environment', /symbolic link to outside the checkout/],
    ['a link to /dev/zero', 'Procfile', /symbolic link to outside the checkout/],
    ['a relative link out of the checkout', 'escape-relative', /symbolic link to outside the checkout/],
    ['a file behind a folder link to a worker directory', 'worker-dir/secrets/token', /a symbolic link on its path leads outside/],
    ['an absent file behind a folder link out (no existence oracle)', 'worker-dir/secrets/nope', /a symbolic link on its path leads outside/],
    ['a file behind an absolute folder link', 'worker-dir-absolute/secrets/token', /a symbolic link on its path leads outside/],
    ['a `..` escape', '../worker/secrets/token', /leads outside the checkout/],
    ['a `..` escape from inside a folder', 'web/../../worker/secrets/token', /leads outside the checkout/],
    ['an absolute path', '/etc/passwd', /absolute path/],
    ['a directory where a file is expected', 'web', /a directory, where a file is expected/],
    ['a FIFO', 'a-fifo', /not a regular file/],
    ['a link loop', 'loop-a', /loop of symbolic links/],
    ['one byte over the limit', 'one-byte-over', new RegExp(`larger than the ${LIMIT}-byte limit`)],
    ['a 10 MiB file', 'huge.json', /larger than the/],
    ['a NUL byte', 'package.json\0.txt', /NUL byte/],
  ])('%s: refused', async (_name, file, why) => {
    const refused = await refusal(() => repo.read(file));
    expect(refused.why).toMatch(why);
    expect(refused.message).toContain(`repo file "${file.replace(/\0/g, '\\0')}" refused`);
    // Nothing of what lies outside is quoted.
    expect(refused.message).not.toMatch(/root:|WORKER-SECRET|slipway-repo-files-/);
  });
});

describe('RepoFiles.directory, file and list', () => {
  test.each([
    ['the checkout itself', '.', '.'],
    ['a folder', 'web/', 'web'],
    ['a folder link inside the checkout', 'current', 'current'],
  ])('directory: %s', async (_name, dir, relative) => {
    const found = await repo.directory(dir);
    expect(found?.relative).toBe(relative);
    expect(found!.path.startsWith(repo.root)).toBe(true);
  });

  test('directory: an absent one is undefined', async () => expect(await repo.directory('services/gone')).toBeUndefined());

  test.each([
    ['a folder link to a worker directory', 'worker-dir', /symbolic link to outside/],
    ['an absolute folder link', 'worker-dir-absolute', /symbolic link to outside/],
    ['a `..` escape', '..', /leads outside/],
    ['a file', 'package.json', /not a directory/],
  ])('directory: %s is refused', async (_name, dir, why) => {
    expect((await refusal(() => repo.directory(dir))).why).toMatch(why);
  });

  test('file: checks without reading (no size cap: docker reads the Dockerfile, not Slipway)', async () => {
    expect(await repo.file('huge.json')).toBe(path.join(repo.root, 'huge.json'));
    expect(await repo.file('Dockerfile')).toBeUndefined();
    expect((await refusal(() => repo.file('Procfile'))).why).toMatch(/outside/);
    expect((await refusal(() => repo.file('web'))).why).toMatch(/directory/);
  });

  test('list: names, sorted; nothing for an absent folder or a file; refused behind a link out', async () => {
    expect(await repo.list('web')).toEqual(['public']);
    expect(await repo.list('current')).toEqual(['Procfile']);
    expect(await repo.list('cmd')).toEqual([]);
    expect(await repo.list('package.json')).toEqual([]);
    expect((await refusal(() => repo.list('worker-dir'))).why).toMatch(/outside/);
  });
});
