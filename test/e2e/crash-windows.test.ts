// @runs-alone: a worker starved of CPU past its 3 s job lock would be taken over.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startReconciler } from '../../src/queue/reconciler.js';
import { recordRelease } from '../../src/releases/make-release.js';
import type { Build, Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pushPayload, signedDelivery } from '../helpers/github.js';
import { pipeline } from '../helpers/pipeline.js';
import { killHard, spawnApi, spawnWorker } from '../helpers/processes.js';
import { settledRelease } from '../helpers/releases.js';
import { freePort } from '../helpers/slipway-cluster.js';
import { waitFor } from '../helpers/wait.js';

// issue 17: each crash window of a hand-off, hit on purpose. A real Slipway process runs with
// SLIPWAY_CRASH_AT=<point> (src/crash-point.ts) and SIGKILLs itself at that line; then the
// rest of the install (fresh processes, the reconciler) must leave nothing lost, nothing
// duplicated, nothing stuck.
const kc = testKubeConfig();
const LOGS = mkdtempSync(path.join(os.tmpdir(), 'slipway-crash-'));
const BUILD_MS = 240_000;
let t: TestApi;
const p = pipeline(() => t);
const children: ChildProcess[] = [];
const namespaces: string[] = [];
let reconciler: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  t = await startTestApi({ SLIPWAY_JOB_LOCK_MS: '3000' });
});

// Each test starts with no process of the install running and no reconciler.
async function stopAll(): Promise<void> {
  await reconciler?.stop();
  reconciler = undefined;
  for (const child of children) await killHard(child);
}
afterEach(stopAll);

afterAll(async () => {
  await t.close();
  await p.cleanup();
  for (const ns of namespaces) await deleteNamespace(kc, ns);
});

/** A real process of this install, its output in LOGS/<name>.log; SLIPWAY_CRASH_AT set when `crashAt`. */
function start(kind: 'api' | 'build' | 'deploy', params: { crashAt?: string; port?: number } = {}): ChildProcess {
  const logFd = openSync(path.join(LOGS, `${kind}-${children.length}.log`), 'a');
  const env = { SLIPWAY_VERIFY_RELEASES: 'false', ...(params.crashAt ? { SLIPWAY_CRASH_AT: params.crashAt } : {}) };
  const child = kind === 'api' ? spawnApi({ config: t.config, port: params.port!, logFd, env }) : spawnWorker({ kind, config: t.config, env, logFd });
  children.push(child);
  return child;
}

/** The reconciler, as every worker and API process runs it, here with no minimum age so a test need not wait for it. */
function reconcile(): void {
  reconciler ??= startReconciler({ deps: t.services, logger: { warn: () => undefined, error: () => undefined }, intervalMs: 1000, minAgeMs: 0 });
}

async function apiProcess(crashAt: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = start('api', { crashAt, port });
  const url = `http://127.0.0.1:${port}`;
  await waitFor({ timeoutMs: 60_000, intervalMs: 200, check: async () => ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok ? true : undefined), message: () => `API on ${url} never answered` });
  return { child, url };
}

const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.signalCode) : child.once('exit', (_code, signal) => resolve(signal))));

/** A signed push sent over HTTP to an API process: the answer, or undefined when the process died before answering. */
async function pushTo(url: string, app: { name: string; secret: string; repo: { branch: string; url: string } }, sha: string, deliveryId: string) {
  const d = signedDelivery({ secret: app.secret, event: 'push', deliveryId, payload: pushPayload({ ref: `refs/heads/${app.repo.branch}`, sha, cloneUrl: app.repo.url }) });
  const res = await fetch(`${url}/hooks/github/${app.name}`, { method: 'POST', headers: d.headers as Record<string, string>, body: d.body }).catch(() => undefined);
  return res ? { status: res.status, body: (await res.json()) as { buildId?: string; reason?: string } } : undefined;
}

/** The same delivery, sent again to the in-process API (GitHub's "Redeliver"). */
async function redeliver(app: { name: string; secret: string; repo: { branch: string; url: string } }, sha: string, deliveryId: string) {
  const d = signedDelivery({ secret: app.secret, event: 'push', deliveryId, payload: pushPayload({ ref: `refs/heads/${app.repo.branch}`, sha, cloneUrl: app.repo.url }) });
  const res = await t.api.inject({ method: 'POST', url: `/hooks/github/${app.name}`, headers: d.headers, payload: d.body });
  return { status: res.statusCode, body: res.json() as { buildId?: string; reason?: string; ignored?: boolean } };
}

const builds = (app: string) => t.services.builds.listForApp(app, 100);
const crashed = (name: string) => readFileSync(path.join(LOGS, name), 'utf8');

test('the API dies right after recording a push: the redelivery finds the build, which is queued by the reconciler and built once', async () => {
  const app = await p.newApp('dockerfile-server');
  const api = await apiProcess('build-recorded');
  const deliveryId = randomUUID();
  expect(await pushTo(api.url, app, app.repo.sha, deliveryId)).toBeUndefined();
  expect(await exited(api.child)).toBe('SIGKILL');
  const [recorded] = await builds(app.name);
  expect(recorded).toMatchObject({ state: 'queued', sha: app.repo.sha });
  expect(await t.services.buildQueue.getJob(recorded!.id)).toBeUndefined();

  const again = await redeliver(app, app.repo.sha, deliveryId);
  expect(again).toMatchObject({ status: 202, body: { ignored: true, reason: 'duplicate delivery', buildId: recorded!.id } });
  start('build');
  reconcile();
  const built = await p.until(recorded!.id, ['succeeded', 'failed', 'cancelled'], BUILD_MS);
  expect(built.state).toBe('succeeded');
  expect((await builds(app.name)).map((b) => b.id)).toEqual([recorded!.id]);
  expect((await t.services.logs.read(recorded!.id)).map((e) => e.line)).toContain('--> Queued again: its queue job was missing');
});

test('the API dies between replacing the queued build and queueing the new one, at either step: the older is cancelled, the newer built, once', async () => {
  for (const point of ['build-recorded', 'predecessor-cancelled']) {
    const app = await p.newApp('dockerfile-server');
    const older = app.repo.sha;
    const newer = await app.repo.commit({ VERSION: `${point}\n` });
    // No build worker yet: the first push stays queued, with its job.
    const first = await redeliver(app, older, randomUUID());
    expect(first.status).toBe(202);
    const api = await apiProcess(point);
    expect(await pushTo(api.url, app, newer, randomUUID())).toBeUndefined();
    expect(await exited(api.child)).toBe('SIGKILL');
    const second = (await builds(app.name)).find((b) => b.sha === newer)!;
    expect(second.state).toBe('queued');
    expect(await t.services.buildQueue.getJob(second.id)).toBeUndefined();
    if (point === 'build-recorded') {
      // The predecessor was never taken off the queue: it still has its job.
      expect(await t.services.buildQueue.getJob(first.body.buildId!)).toBeDefined();
    }
    start('build');
    reconcile();
    expect((await p.until(second.id, ['succeeded', 'failed', 'cancelled'], BUILD_MS)).state).toBe('succeeded');
    const all = await waitFor({
      timeoutMs: 60_000,
      check: async () => {
        const list = await builds(app.name);
        return list.every((b) => ['succeeded', 'failed', 'cancelled'].includes(b.state)) ? list : undefined;
      },
      message: () => `builds of ${app.name} never settled`,
    });
    expect(all).toHaveLength(2);
    expect(all.find((b) => b.sha === older)).toMatchObject({ state: 'cancelled', cancellation: { reason: `superseded by build ${second.id} (${newer.slice(0, 7)})` } });
    await stopAll();
  }
});

test('the API dies between recording a config release (and the config) and queueing its rollout: the reconciler rolls it out', async () => {
  const name = `crash-${randomUUID().slice(0, 8)}`;
  namespaces.push(name);
  await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 60 } });
  start('deploy');
  const image = `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
  const first = await t.api.inject({ method: 'POST', url: `/apps/${name}/releases`, headers: auth, payload: { image } });
  expect(first.statusCode).toBe(202);
  expect((await settledRelease({ releases: t.services.releases, app: name, number: first.json().number, timeoutMs: 120_000 })).status).toBe('current');

  const api = await apiProcess('release-recorded');
  const res = await fetch(`${api.url}/apps/${name}/env`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ set: { GREETING: 'crashed-in-between' } }) }).catch(() => undefined);
  expect(res).toBeUndefined();
  expect(await exited(api.child)).toBe('SIGKILL');
  // The config and the release that deploys it were saved together.
  const [pending] = await t.services.releases.list(name, 1);
  expect(pending).toMatchObject({ status: 'pending', trigger: { kind: 'config' }, config: { env: { GREETING: 'crashed-in-between' } } });
  expect((await t.services.apps.get(name)).deploy.env).toEqual({ GREETING: 'crashed-in-between' });

  reconcile();
  const settled: Release = await settledRelease({ releases: t.services.releases, app: name, number: pending!.number, timeoutMs: 120_000 });
  expect(settled.status).toBe('current');
  expect((await t.services.releases.list(name)).map((r) => r.number)).toEqual([pending!.number, first.json().number]);
});

test('a build worker dies after recording a build succeeded and a deploy worker right after recording its release: built once, released once, current', async () => {
  const app = await p.newApp('dockerfile-server', { deploy: { autoDeploy: true, readinessDeadlineSeconds: 60 } });
  namespaces.push(app.name);
  const builder = start('build', { crashAt: 'build-finished' });
  const deployer = start('deploy', { crashAt: 'release-from-build-recorded' });
  const queued = await redeliver(app, app.repo.sha, randomUUID());
  expect(await exited(builder)).toBe('SIGKILL');
  expect((await t.services.builds.get(queued.body.buildId!)).state).toBe('succeeded');
  // The build's job is still `active` under a dead worker: a fresh worker takes it over when its lock lapses.
  start('build');
  expect(await exited(deployer)).toBe('SIGKILL');
  const [recorded] = await t.services.releases.list(app.name, 1);
  expect(recorded).toMatchObject({ status: 'pending', trigger: { buildId: queued.body.buildId } });
  start('deploy');
  const settled = await settledRelease({ releases: t.services.releases, app: app.name, number: recorded!.number, timeoutMs: 120_000 });
  expect(settled.status).toBe('current');
  const build: Build = await t.services.builds.get(queued.body.buildId!);
  expect(settled.image).toBe(`${build.image!.repository}@${build.image!.digest}`);
  expect(await t.services.releases.list(app.name)).toHaveLength(1);
  const log = (await t.services.logs.read(build.id)).map((e) => e.line);
  expect(log).not.toContain('--> The worker building this was lost; building again');
  expect(crashed('build-' + children.indexOf(builder) + '.log')).toContain('crash point build-finished');
});

test('a rollout cut off by its worker and resumed after a newer release went out is superseded, never made current over it', async () => {
  const name = `crash-${randomUUID().slice(0, 8)}`;
  namespaces.push(name);
  await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 60 } });
  start('deploy');
  const image = () => `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
  const release = async () => {
    const res = await t.api.inject({ method: 'POST', url: `/apps/${name}/releases`, headers: auth, payload: { image: image() } });
    expect(res.statusCode).toBe(202);
    return settledRelease({ releases: t.services.releases, app: name, number: res.json().number, timeoutMs: 120_000 });
  };
  expect((await release()).status).toBe('current');
  // Release 2 as a deploy worker SIGKILLed mid-rollout leaves it, its job gone (failed as stalled).
  const app = await t.services.apps.get(name);
  const cut = await recordRelease(t.services.releases, { app, image: image(), trigger: { kind: 'api' } });
  await t.services.releases.update(name, cut.number, { status: 'deploying', startedAt: new Date().toISOString() });
  const newer = await release();
  expect(newer).toMatchObject({ status: 'current' });

  reconcile();
  const resumed = await settledRelease({ releases: t.services.releases, app: name, number: cut.number, timeoutMs: 120_000 });
  expect(resumed.status).toBe('superseded');
  expect((await t.services.releases.current(name))?.number).toBe(newer.number);
  expect((await t.services.releases.get(name, newer.number)).status).toBe('current');
}, 300_000);
