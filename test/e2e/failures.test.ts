// @runs-alone: it kills the shared Redis and runs test/env/start.sh again.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../src/api/app.js';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { loadKubeConfig } from '../../src/services/kube-config.js';
import { createLogger } from '../../src/logger.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { killHard, spawnWorker } from '../helpers/processes.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// Every failure gets a stable code and a recorded reason, and nothing already stored is lost:
// restarts of Redis, of the API and of a deploy worker mid-rollout; a registry that refuses the
// push or is not there; a cluster that is not there; repos and branches that do not exist.
const logger = createLogger({ name: 'failures-test', level: 'warn' });
const kc = testKubeConfig();
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// Build and deploy workers alike: all that matters here is closing them.
const installs: Array<{ t: TestApi; workers: Array<{ close(): Promise<void> }>; p: ReturnType<typeof pipeline> }> = [];
const namespaces: string[] = [];

/** A test API of its own (so its config can be broken on purpose), optionally with a build worker. */
async function install(overrides: Record<string, string> = {}, withWorker = true) {
  const t = await startTestApi(overrides);
  const started = withWorker ? [createBuildWorker({ services: t.services, logger })] : [];
  for (const w of started) void w.run();
  const workers: Array<{ close(): Promise<void> }> = [...started];
  const entry = { t, workers, p: pipeline(() => t) };
  installs.push(entry);
  return entry;
}

afterAll(async () => {
  for (const { t, workers, p } of installs) {
    for (const w of workers) await w.close();
    await t.close();
    await p.cleanup();
  }
  for (const ns of namespaces) await deleteNamespace(kc, ns);
});

test('Redis restarted while builds are queued: nothing is lost, every build runs afterwards', async () => {
  const { t, workers, p } = await install({}, false);
  const apps = await Promise.all([1, 2, 3].map(() => p.newApp('dockerfile-server')));
  const ids = [] as string[];
  for (const app of apps) ids.push((await p.push(app)).body.buildId!);
  expect(await t.services.buildQueue.getWaitingCount()).toBe(3);

  // Stop Redis by its pid (it writes its AOF on SIGTERM) and start it again with the stack script.
  const pidFile = path.join(process.env.SLIPWAY_STATE!, 'redis.pid');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  process.kill(pid, 'SIGTERM');
  await waitFor({ timeoutMs: 30_000, check: async () => { try { process.kill(pid, 0); return undefined; } catch { return true; } }, message: () => 'redis did not stop' });
  await promisify(execFile)('bash', [path.join(ROOT, 'test/env/start.sh')], { env: process.env });
  await waitFor({ timeoutMs: 30_000, check: async () => ((await t.services.redis.ping().catch(() => '')) === 'PONG' ? true : undefined), message: () => 'redis did not come back' });

  expect(await t.services.buildQueue.getWaitingCount()).toBe(3);
  const worker = createBuildWorker({ services: t.services, logger });
  workers.push(worker);
  void worker.run();
  for (const id of ids) expect((await p.until(id, ['succeeded', 'failed'])).state).toBe('succeeded');
});

test('restarting the API loses nothing', async () => {
  const { t, p } = await install();
  const app = await p.newApp('dockerfile-server');
  const { body } = await p.push(app);
  await t.api.close();
  const again = await buildApp(t.services, { logger: false });
  try {
    expect((await again.inject({ url: `/apps/${app.name}`, headers: auth })).json().repo).toBe(app.repo.url);
    expect((await again.inject({ url: `/builds/${body.buildId}`, headers: auth })).statusCode).toBe(200);
    await p.until(body.buildId!, ['succeeded']);
  } finally {
    await again.close();
  }
});

test('with SLIPWAY_CANCEL_RUNNING_BUILDS, a newer push stops the running build of that branch', async () => {
  const { t, p } = await install({ SLIPWAY_CANCEL_RUNNING_BUILDS: 'true' });
  const app = await p.newApp('slow-build', { buildArgs: { RUN_ID: randomUUID() } });
  const first = (await p.push(app)).body.buildId!;
  await waitFor({
    timeoutMs: 120_000,
    check: async () => ((await t.services.logs.read(first)).some((e) => e.line.trim() === 'long step starts') ? true : undefined),
    message: () => `build ${first} never reached its long step`,
  });
  const newer = await app.repo.commit({ 'README': 'newer\n' });
  const second = (await p.push({ ...app, sha: newer })).body.buildId!;
  const cancelled = await p.until(first, ['cancelled', 'succeeded', 'failed'], 60_000);
  expect(cancelled.state).toBe('cancelled');
  expect(cancelled.cancellation).toEqual({ reason: `superseded by build ${second} (${newer.slice(0, 7)})`, step: 'building' });
  await t.api.inject({ method: 'POST', url: `/builds/${second}/cancel`, headers: auth }); // no need to sit through 30 s
});

test.each([
  ['refuses the push (wrong credentials)', { SLIPWAY_REGISTRY_PASSWORD: 'wrong-password-for-the-registry' }, /unauthorized|authentication required/i],
  ['is unreachable', { SLIPWAY_REGISTRY: '127.0.0.1:5999', SLIPWAY_REGISTRY_PASSWORD: 'wrong-password-for-the-registry' }, /connection refused|dial tcp/i],
])('a registry that %s → failed at pushing with the reason, password masked', async (_name, overrides, reason) => {
  const { p } = await install(overrides);
  const app = await p.newApp('dockerfile-server');
  const build = await p.until((await p.push(app)).body.buildId!, ['succeeded', 'failed']);
  expect(build.failure).toMatchObject({ step: 'pushing', code: 'BUILD_PUSH_FAILED' });
  expect(build.failure!.reason).toMatch(reason);
  expect(JSON.stringify(build)).not.toContain('wrong-password-for-the-registry');
});

test('a repo that does not exist → failed at cloning; a branch that does not exist → 422', async () => {
  const { t, p } = await install();
  const name = `ghost-${randomUUID().slice(0, 6)}`;
  const { secret } = await t.createApp({ name, repo: `${process.env.SLIPWAY_GIT_URL}/does-not-exist.git` });
  const app = await p.newApp('dockerfile-server');
  const ghost = { ...app, name, secret };
  const build = await p.until((await p.push(ghost)).body.buildId!, ['failed', 'succeeded']);
  expect(build.failure).toMatchObject({ step: 'cloning', code: 'BUILD_CLONE_FAILED' });
  expect(build.failure!.reason).toMatch(/does-not-exist|not found|repository/i);

  const appName = `nobranch-${randomUUID().slice(0, 6)}`;
  await t.createApp({ name: appName, repo: app.repo.url, branch: 'no-such-branch' });
  const res = await t.api.inject({ method: 'POST', url: `/apps/${appName}/builds`, headers: auth, payload: {} });
  expect(res.statusCode).toBe(422);
  expect(res.json().error.code).toBe('REPO_REF_NOT_FOUND');
});

test('a deploy worker killed mid-rollout: another resumes watching and the release becomes current', async () => {
  const { t, workers } = await install({ SLIPWAY_JOB_LOCK_MS: '3000' }, false);
  const name = `resume-${randomUUID().slice(0, 6)}`;
  namespaces.push(name);
  await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { podAnnotations: { 'slipway.test/ready-after': '12s' }, readinessDeadlineSeconds: 60 } });
  const child = spawnWorker({ kind: 'deploy', config: t.config, env: { KUBECONFIG: process.env.KUBECONFIG! } });
  try {
    const image = `127.0.0.1:5000/x@sha256:${'c'.repeat(64)}`;
    const created = (await t.api.inject({ method: 'POST', url: `/apps/${name}/releases`, headers: auth, payload: { image } })).json() as Release;
    const deploying = await waitFor({
      timeoutMs: 60_000,
      check: async () => {
        const r = await t.services.releases.get(name, created.number);
        return r.status === 'deploying' ? r : undefined;
      },
      message: () => 'the child deploy worker never started the rollout',
    });
    await killHard(child);
    const rescuer = createDeployWorker({ services: t.services, kc, logger });
    workers.push(rescuer);
    void rescuer.run();
    const release = await settledRelease({ releases: t.services.releases, app: name, number: created.number, timeoutMs: 120_000 });
    expect(release.status).toBe('current');
    expect(release.startedAt).toBe(deploying.startedAt); // resumed, deadline from the first apply
  } finally {
    await killHard(child);
  }
});

test('a cluster that is unreachable → the release fails with the reason, nothing else changes', async () => {
  const { t, workers } = await install({}, false);
  const file = path.join(os.tmpdir(), `kubeconfig-${randomUUID()}`);
  writeFileSync(file, readFileSync(process.env.KUBECONFIG!, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'));
  const worker = createDeployWorker({ services: t.services, kc: loadKubeConfig(file), logger });
  workers.push(worker);
  void worker.run();
  const name = `nocluster-${randomUUID().slice(0, 6)}`;
  await t.createApp({ name, repo: 'https://github.com/acme/shop.git' });
  const created = (await t.api.inject({ method: 'POST', url: `/apps/${name}/releases`, headers: auth, payload: { image: `127.0.0.1:5000/x@sha256:${'d'.repeat(64)}` } })).json() as Release;
  const release = await settledRelease({ releases: t.services.releases, app: name, number: created.number, timeoutMs: 60_000 });
  expect(release.status).toBe('failed');
  expect(release.failure!.reason).toBe('ApplyFailed');
  expect(release.failure!.message).toMatch(/ECONNREFUSED|connect/);
  expect(await t.services.releases.current(name)).toBeUndefined();
});
