import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBuilders } from '../../src/builds/builder-catalog.js';
import { runBuild, type BuildDeps } from '../../src/builds/run-build.js';
import { createLogger } from '../../src/logger.js';
import { BuildLog, LINE_TRUNCATED } from '../../src/store/build-log.js';
import type { Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { publishTree, type PublishedRepo } from '../helpers/git-fixture.js';
import { recordBuild } from '../helpers/builds.js';

// A repo is untrusted: the files Slipway reads from it, the context it packs and the output its
// build prints. Hostile repos (symbolic links out of the checkout, /dev/zero, oversize files,
// endless output, a secret printed in two pieces) are built as the build worker builds them:
// runBuild, on the real git daemon, dockerd and Redis.
const FILE_LIMIT = 65_536;
let t: TestApi;
let deps: BuildDeps;
// Named before the tables below are built; made in beforeAll.
const workerDir = path.join(os.tmpdir(), `slipway-worker-dir-${randomUUID().slice(0, 8)}`);
const workerToken = `worker-secret-${randomUUID()}`;
let passwdLines: string[];
const repos: PublishedRepo[] = [];
const images: string[] = [];
const BASE = 'FROM slipway-local/debian:bookworm';

beforeAll(async () => {
  t = await startTestApi({ SLIPWAY_REPO_FILE_LIMIT: String(FILE_LIMIT) });
  deps = { ...t.services, builders: loadBuilders(), logger: createLogger({ name: 'test-build', level: 'warn' }) };
  // A directory of the worker that a repo must never see, with a Dockerfile that would print
  // its secret if it were ever packed as a build context.
  await mkdir(workerDir);
  await writeFile(path.join(workerDir, 'worker-secret.txt'), `${workerToken}\n`);
  await writeFile(path.join(workerDir, 'Dockerfile'), `${BASE}\nCOPY worker-secret.txt /\nRUN cat /worker-secret.txt\n`);
  passwdLines = (await readFile('/etc/passwd', 'utf8')).split('\n').filter((l) => l.trim());
});

afterAll(async () => {
  for (const repo of repos) await repo.cleanup();
  for (const image of images) await t.services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
  await rm(workerDir, { recursive: true, force: true });
  await t.close();
});

/** Publishes a repo, makes an app of it and builds its head as the worker would. */
async function build(params: {
  name: string;
  fixture?: string;
  files?: Record<string, string>;
  links?: Record<string, string>;
  app?: Record<string, unknown>;
  with?: BuildDeps;
}): Promise<{ build: Build; log: string; lines: string[] }> {
  const repo = await publishTree({ name: params.name, fixture: params.fixture, files: params.files, links: params.links });
  repos.push(repo);
  const name = `${params.name}-${randomUUID().slice(0, 6)}`;
  await t.createApp({ name, repo: repo.url, branch: repo.branch, deploy: { autoDeploy: false }, ...params.app });
  const app = await t.services.apps.get(name);
  const queued = await recordBuild(t.services.builds, { app, ref: `refs/heads/${repo.branch}`, sha: repo.sha, trigger: { kind: 'api' } });
  const done = await runBuild(params.with ?? deps, queued.id);
  if (done.image) images.push(...done.image.tags);
  const lines = (await t.services.logs.read(done.id)).map((e) => e.line);
  return { build: done, log: lines.join('\n'), lines };
}

/** Nothing of the worker's disk in what a build left behind: its record and its log. */
function expectNothingOfTheWorker(result: { build: Build; log: string }): void {
  const record = JSON.stringify(result.build);
  for (const text of [record, result.log]) {
    for (const line of passwdLines) expect(text).not.toContain(line);
    expect(text).not.toContain(workerToken);
  }
}

const bigJson = (name: string) => JSON.stringify({ name, description: 'x'.repeat(FILE_LIMIT), scripts: { start: 'node server.js' } });

interface Refusal {
  case: string;
  repo: Omit<Parameters<typeof build>[0], 'name'>;
  step: Build['state'];
  file: string;
  why: RegExp;
}

describe('refused: BUILD_REPO_INVALID naming the file, at the step the build was in', () => {
  const refusals: Refusal[] = [
    {
      case: '.s2i/environment linked to /etc/passwd',
      repo: { fixture: 'node-server', links: { '.s2i/environment': '/etc/passwd' } },
      step: 'building',
      file: '.s2i/environment',
      why: /symbolic link to outside the checkout/,
    },
    {
      case: 'the context dir linked to a worker directory',
      repo: { files: { 'README.md': 'hostile\n' }, links: { app: workerDir }, app: { contextDir: 'app' } },
      step: 'cloning',
      file: 'app',
      why: /symbolic link to outside the checkout/,
    },
    {
      case: 'the context dir linked up out of the checkout (../..)',
      repo: { files: { 'README.md': 'hostile\n' }, links: { app: '../..' }, app: { contextDir: 'app' } },
      step: 'cloning',
      file: 'app',
      why: /symbolic link to outside the checkout/,
    },
    {
      case: 'the context dir under a folder linked to a worker directory',
      repo: { files: { 'README.md': 'hostile\n' }, links: { deploy: path.dirname(workerDir) }, app: { contextDir: `deploy/${path.basename(workerDir)}` } },
      step: 'cloning',
      file: `deploy/${path.basename(workerDir)}`,
      why: /a symbolic link on its path leads outside/,
    },
    {
      case: 'Procfile linked to /dev/zero',
      repo: { fixture: 'python-flask', links: { Procfile: '/dev/zero' } },
      step: 'building',
      file: 'Procfile',
      why: /symbolic link to outside the checkout/,
    },
    {
      case: 'package.json linked to /dev/zero',
      repo: { files: { 'server.js': '' }, links: { 'package.json': '/dev/zero' } },
      step: 'cloning',
      file: 'package.json',
      why: /symbolic link to outside the checkout/,
    },
    {
      case: 'an oversize package.json',
      repo: { fixture: 'node-server', files: { 'package.json': bigJson('node-server') } },
      step: 'cloning',
      file: 'package.json',
      why: new RegExp(`larger than the ${FILE_LIMIT}-byte limit`),
    },
    {
      case: 'an oversize Procfile',
      repo: { fixture: 'python-flask', files: { Procfile: `web: gunicorn app:app ${'#'.repeat(FILE_LIMIT)}\n` } },
      step: 'building',
      file: 'Procfile',
      why: new RegExp(`larger than the ${FILE_LIMIT}-byte limit`),
    },
    {
      case: '.s2i/bin/run linked to a worker file',
      repo: { fixture: 'node-server', links: { '.s2i/bin/run': path.join(workerDir, 'worker-secret.txt') } },
      step: 'building',
      file: '.s2i/bin/run',
      why: /symbolic link to outside the checkout/,
    },
    {
      case: 'a Dockerfile linked to /etc/passwd',
      repo: { files: { 'app.txt': 'x\n' }, links: { Dockerfile: '/etc/passwd' } },
      step: 'cloning',
      file: 'Dockerfile',
      why: /symbolic link to outside the checkout/,
    },
    {
      case: "the app's Dockerfile path naming a directory",
      repo: { files: { 'docker/prod/README.md': 'x\n' }, app: { dockerfile: 'docker/prod' } },
      step: 'cloning',
      file: 'docker/prod',
      why: /a directory, where a file is expected/,
    },
    {
      case: '.dockerignore linked to /etc/passwd',
      repo: { files: { Dockerfile: `${BASE}\nCMD ["true"]\n` }, links: { '.dockerignore': '/etc/passwd' } },
      step: 'building',
      file: '.dockerignore',
      why: /symbolic link to outside the checkout/,
    },
  ];
  test.each(refusals)('$case', async ({ repo, step, file, why }) => {
    const result = await build({ name: 'hostile', ...repo });
    expect(result.build.state).toBe('failed');
    expect(result.build.failure).toMatchObject({ step, code: 'BUILD_REPO_INVALID', reason: expect.stringContaining(`repo file "${file}" refused: `) });
    expect(result.build.failure!.reason).toMatch(why);
    expect(result.build.image).toBeUndefined();
    expect(result.log).toContain(`--> Build failed while ${step}: repo file "${file}" refused`);
    expectNothingOfTheWorker(result);
  });
});

describe('allowed: links that stay inside the checkout', () => {
  test('a context dir linked to a folder of the checkout builds', async () => {
    const nonce = randomUUID();
    const result = await build({
      name: 'inner-link',
      files: { 'v2/Dockerfile': `${BASE}\nARG NONCE\nCOPY hello.txt /\nRUN echo "built $NONCE" && cat /hello.txt\nCMD ["true"]\n`, 'v2/hello.txt': 'hello from v2\n' },
      links: { current: 'v2' },
      app: { contextDir: 'current', buildArgs: { NONCE: nonce } },
    });
    expect(result.build.failure).toBeUndefined();
    expect(result.build.state).toBe('succeeded');
    expect(result.lines).toContain('hello from v2');
  });

  test('a link inside the context is packed as a link, never followed to the worker file it names', async () => {
    const target = path.join(workerDir, 'worker-secret.txt');
    const result = await build({
      name: 'packed-link',
      files: {
        Dockerfile: `${BASE}\nARG NONCE\nCOPY . /src\nRUN echo "$NONCE"; ls -l /src/leak; cat /src/leak || echo "leak: nothing behind it in the image"\nCMD ["true"]\n`,
      },
      links: { leak: target },
      app: { buildArgs: { NONCE: randomUUID() } },
    });
    expect(result.build.failure).toBeUndefined();
    expect(result.log).toMatch(new RegExp(`/src/leak -> ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(result.log).toContain('leak: nothing behind it in the image');
    expectNothingOfTheWorker(result);
  });
});

describe('output', () => {
  test('a secret docker prints in two pieces is masked', async () => {
    const token = `npm_${randomUUID().replace(/-/g, '')}`;
    const half = token.length / 2;
    const result = await build({
      name: 'split-secret',
      files: {
        // Two writes a second apart: docker sends them as two messages, cutting the token in two.
        Dockerfile: `${BASE}\nARG NPM_TOKEN\nRUN printf 'token: %s' "$(echo "$NPM_TOKEN" | cut -c1-${half})"; sleep 1; printf '%s end\\n' "$(echo "$NPM_TOKEN" | cut -c${half + 1}-)"\nCMD ["true"]\n`,
      },
      app: { buildArgs: { NPM_TOKEN: token } },
    });
    expect(result.build.failure).toBeUndefined();
    expect(result.lines).toContain('token: **** end');
    expect(result.log).not.toContain(token.slice(0, half));
    expect(result.log).not.toContain(token.slice(half));
  });

  test('an endless line is cut at the line limit, and the log stops at its byte limit', async () => {
    const limits = { lineBytes: 1024, totalBytes: 65_536 };
    const small: BuildDeps = {
      ...deps,
      config: { ...t.config, logLineLimit: limits.lineBytes, logByteLimit: limits.totalBytes },
      logs: new BuildLog(t.services.redis, t.services.keys, limits),
    };
    const result = await build({
      name: 'endless',
      files: {
        // A RUN step and the post-build test each print a 3 MB line without a newline.
        Dockerfile: `${BASE}\nARG NONCE\nRUN echo "$NONCE"; head -c 3000000 /dev/zero | tr '\\0' y; echo; echo after-the-long-run-line\nCMD ["true"]\n`,
      },
      app: {
        buildArgs: { NONCE: randomUUID() },
        postCommit: { script: "head -c 3000000 /dev/zero | tr '\\0' x; printf '\\nafter-the-long-test-line\\n'; seq 1 30000" },
      },
      with: small,
    });
    expect(result.build.failure).toBeUndefined();
    expect(result.build.state).toBe('succeeded');
    const cut = (c: string) => c.repeat(limits.lineBytes - LINE_TRUNCATED.length) + LINE_TRUNCATED;
    expect(result.lines).toContain(cut('y'));
    expect(result.lines).toContain(cut('x'));
    expect(result.lines).toContain('after-the-long-run-line');
    expect(result.lines).toContain('after-the-long-test-line');
    for (const line of result.lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(limits.lineBytes);

    const marker = result.lines.indexOf(`--> log limit of ${limits.totalBytes} bytes reached: further lines are counted, not stored`);
    expect(marker).toBeGreaterThan(0);
    const stored = result.lines.slice(0, marker).reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    expect(stored).toBeLessThanOrEqual(limits.totalBytes);
    // What came after the limit (the rest of seq's 30,000 lines, the push) was counted, not
    // stored, and the count is said once, after the marker.
    expect(result.lines.slice(marker + 1)).toEqual([expect.stringMatching(/^--> log limit reached, \d+ lines dropped$/)]);
    const lastStored = Number(result.lines.slice(0, marker).filter((l) => /^\d+$/.test(l)).pop());
    expect(lastStored).toBeLessThan(30_000);
    expect(Number(/(\d+) lines dropped/.exec(result.lines[marker + 1]!)![1])).toBeGreaterThan(30_000 - lastStored);
  });
});
