import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { FINAL_BUILD_STATES, type Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { runAndFetch } from '../helpers/containers.js';
import type { PublishedRepo } from '../helpers/git-fixture.js';
import { pipeline } from '../helpers/pipeline.js';
import { registryDigest } from '../helpers/registry.js';

// The whole first pipeline on real services: git daemon → signed GitHub webhook → BullMQ →
// build worker (clone exact sha, dockerd build, push to the htpasswd registry) → a runnable image.
let t: TestApi;
let worker: Worker;
let baseUrl: string;
const p = pipeline(() => t);
const { newApp, expectPushed } = p;

beforeAll(async () => {
  t = await startTestApi();
  worker = createBuildWorker({ services: t.services, logger: createLogger({ name: 'test-worker', level: 'warn' }) });
  void worker.run();
  baseUrl = await t.api.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await worker.close();
  await p.cleanup();
  await t.close();
});

async function push(params: { name: string; secret: string; repo: PublishedRepo; sha?: string }): Promise<string> {
  const { status, body } = await p.push(params);
  expect(status).toBe(202);
  expect(body.buildId).toBeDefined();
  return body.buildId!;
}

const finished = (buildId: string) => p.until(buildId, [...FINAL_BUILD_STATES]);

test('Dockerfile repo: signed push → build → image in the registry → it answers HTTP', async () => {
  const { repo, name, secret } = await newApp('dockerfile-server', { buildArgs: { GREETING: 'bonjour' } });
  const buildId = await push({ name, secret, repo });

  // Follow the log live while the build runs: the stream ends when the build does.
  const sse = fetch(`${baseUrl}/builds/${buildId}/logs`, { headers: { ...auth, accept: 'text/event-stream' } }).then((r) => r.text());
  const build = await finished(buildId);
  expect(build.failure).toBeUndefined();
  expect(build.strategy).toEqual({ name: 'docker', reasons: ['Dockerfile found'] });
  expect(build.sha).toBe(repo.sha);
  const reference = await expectPushed(build);

  const events = await sse;
  expect(events).toContain('Cloning');
  expect(events).toContain(`"--> Pushed ${build.image!.repository}@${build.image!.digest}"`);
  expect(events).toMatch(/event: end\ndata: \{"state":"succeeded"\}/);
  const stored = await (await fetch(`${baseUrl}/builds/${buildId}/logs`, { headers: auth })).text();
  expect(stored).toContain('Step 1/');
  expect(stored).not.toContain(t.config.registry.password!);

  const { body, user } = await runAndFetch({ docker: t.services.docker, image: reference });
  expect(body).toMatchObject({ app: 'dockerfile-server', greeting: 'bonjour' });
  expect(user).toBe('1001');
});

test('Node repo without a Dockerfile: detected, multi-stage image, non-root, OCI labels', async () => {
  const { repo, name, secret } = await newApp('node-server');
  const build = await finished(await push({ name, secret, repo }));
  expect(build.failure).toBeUndefined();
  expect(build.strategy).toEqual({
    name: 'nodejs',
    reasons: ['package.json found', 'version: node 20 (default; no pin)', 'install: npm ci (package-lock.json found)', 'start: node server.js (scripts.start)'],
  });
  const reference = await expectPushed(build);

  const info = await t.services.docker.getImage(reference).inspect();
  expect(info.Config.Labels).toMatchObject({ 'org.opencontainers.image.source': repo.url, 'org.opencontainers.image.revision': repo.sha });
  expect(info.Config.ExposedPorts).toHaveProperty(['8080/tcp']);
  const { body } = await runAndFetch({ docker: t.services.docker, image: reference });
  expect(body).toMatchObject({ app: 'node-server', user: 1001 });
  expect(typeof body.uptime).toBe('string');
});

test('builds the exact commit pushed, not the branch head', async () => {
  const { repo, name, secret } = await newApp('dockerfile-server');
  const first = repo.sha;
  await repo.commit({ 'server.js': 'throw new Error("a later commit that must not be built")\n' });
  const build = await finished(await push({ name, secret, repo, sha: first }));
  const { body } = await runAndFetch({ docker: t.services.docker, image: await expectPushed(build) });
  expect(body.app).toBe('dockerfile-server');
});

test('context dir and Dockerfile path: builds services/api with Dockerfile.prod', async () => {
  const { repo, name, secret } = await newApp('monorepo', { contextDir: 'services/api', dockerfile: 'Dockerfile.prod' });
  const build = await finished(await push({ name, secret, repo }));
  expect(build.strategy).toEqual({ name: 'docker', reasons: ['dockerfile "Dockerfile.prod" set on the app'] });
  const { body } = await runAndFetch({ docker: t.services.docker, image: await expectPushed(build) });
  expect(body).toEqual({ app: 'monorepo-api' });
});

test('a context dir missing at that commit → failed at cloning with the reason', async () => {
  const { repo, name, secret } = await newApp('monorepo', { contextDir: 'services/gone' });
  const build = await finished(await push({ name, secret, repo }));
  expect(build.failure).toMatchObject({ step: 'cloning', code: 'BUILD_CLONE_FAILED', reason: `context dir "services/gone" does not exist at ${repo.sha}` });
});

test.each([
  ['a passing script', { script: 'node --check server.js && test "$GREETING" = hello' }, 'succeeded'],
  ['a failing script', { script: 'echo "2 tests failed" >&2; exit 4' }, 'failed'],
  ['a command overriding the entrypoint', { command: ['node', '-e', 'process.exit(process.env.GREETING === "hello" ? 0 : 1)'] }, 'succeeded'],
])('post-build test step (postCommit): %s', async (_name, postCommit, state) => {
  const { repo, name, secret } = await newApp('dockerfile-server', { postCommit });
  const build = await finished(await push({ name, secret, repo }));
  expect(build.state).toBe(state);
  expect(await p.log(build.id)).toContain('--> Running the post-build test');
  if (state === 'succeeded') {
    await expectPushed(build);
    return;
  }
  expect(build.failure).toMatchObject({ step: 'building', code: 'BUILD_TEST_FAILED', reason: 'post-build test exited with code 4; nothing was pushed' });
  expect(build.failure!.logTail.join('\n')).toContain('2 tests failed');
  expect(await registryDigest({ repository: name, tag: repo.sha.slice(0, 7) })).toBeUndefined();
});

test('a failing Dockerfile → failed at building, log tail kept, nothing pushed', async () => {
  const { repo, name, secret } = await newApp('failing-dockerfile');
  const build = await finished(await push({ name, secret, repo }));
  expect(build.state).toBe('failed');
  expect(build.failure).toMatchObject({ step: 'building', code: 'BUILD_IMAGE_FAILED' });
  expect(build.failure!.reason).toMatch(/returned a non-zero code: 3/);
  expect(build.failure!.logTail.join('\n')).toContain('error: the thing does not compile');
  expect(build.image).toBeUndefined();
  expect(await registryDigest({ repository: name, tag: repo.sha.slice(0, 7) })).toBeUndefined();
});

test('an unknown sha → failed at cloning with the reason', async () => {
  const { repo, name, secret } = await newApp('dockerfile-server');
  const missing = '1234567890abcdef1234567890abcdef12345678';
  const build = await finished(await push({ name, secret, repo, sha: missing }));
  expect(build.state).toBe('failed');
  expect(build.failure).toMatchObject({ step: 'cloning', code: 'BUILD_CLONE_FAILED' });
  expect(build.failure!.reason).toContain(`commit ${missing} does not exist`);
});

test('a manual build (POST /apps/:app/builds) builds the branch head', async () => {
  const { repo, name } = await newApp('dockerfile-server');
  const head = await repo.commit({ 'VERSION': '2\n' });
  const res = await fetch(`${baseUrl}/apps/${name}/builds`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(202);
  const queued = (await res.json()) as Build;
  expect(queued).toMatchObject({ sha: head, state: 'queued', trigger: { kind: 'api' } });
  await expectPushed(await finished(queued.id));
});
