import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { chromium } from 'playwright-core';
import { LABELS } from '../../src/releases/render/labels.js';
import type { Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { liveTemplate, testKubeConfig } from '../helpers/cluster.js';
import { auth, TEST_TOKEN } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { readyReleasePods, serviceProxyGet, startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';

// The whole chain onto the REAL node of the test cluster (test/env/node), not kwok: the image
// is really pulled from the test registry, the container really starts, the kubelet's HTTP
// readiness probe really asks the app, and the app answers HTTP through the API server's
// service proxy. Slipway is pointed at the node the way an install would be: the install-wide
// placement (SLIPWAY_POD_NODE_SELECTOR / SLIPWAY_POD_TOLERATIONS), which test/env exports.

const kc = testKubeConfig();
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let app: string;
let good: Release;
let realNode: string;

// The app's own server.js, with switches for each kind of bad release: CRASH exits at start,
// READY_STATUS is what /ready answers (the readiness probe), ANSWER_STATUS what every other
// path answers (what verification asks).
const SERVER = `const http = require('http');
const ms = require('ms');
if (process.env.CRASH) { console.error('crashing on purpose: CRASH=' + process.env.CRASH); process.exit(1); }
const port = Number(process.env.PORT || 8080);
// Stops at once when Kubernetes asks (SIGTERM), as a server should: PID 1 has no default handler.
process.on('SIGTERM', () => process.exit(0));
const readyStatus = Number(process.env.READY_STATUS || 200);
const answerStatus = Number(process.env.ANSWER_STATUS || 200);
http
  .createServer((req, res) => {
    if (req.url === '/ready') {
      res.statusCode = readyStatus;
      return res.end('ready: ' + readyStatus);
    }
    res.statusCode = answerStatus;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ app: 'node-server', path: req.url, status: answerStatus, uptime: ms(Math.round(process.uptime() * 1000)), user: process.getuid() }));
  })
  .listen(port);
`;

beforeAll(async () => {
  ({ t, node: realNode, workers } = await startRealNodeApi(kc, { name: 'real-node-workers' }));
}, 60_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] }), 600_000);

test('push → build → release: the pod runs on the real node, is probed ready, verified by real requests, and answers through the service proxy', async () => {
  const created = await p.newApp('node-server', { deploy: { autoDeploy: true, readinessPath: '/ready', readinessDeadlineSeconds: 120 } });
  app = created.name;
  const sha = await created.repo.commit({ 'server.js': SERVER }, 'listen on every interface; switches for bad releases');
  const build = await p.build({ ...created, sha });
  const image = await p.expectPushed(build);

  const release = await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 240_000 });
  expect(release).toMatchObject({ status: 'current', image });
  good = release;
  // Verified by real GETs of `/` through the API server's pod proxy, every one answered 200.
  expect(release.verification).toMatchObject({ state: 'passed', path: '/', port: 8080, failed: 0, statuses: { '200': 20 }, requests: 20 });
  expect(release.verification!.latencyMs!.p50).toBeGreaterThan(0);
  expect(release.verification!.pods!.length).toBeGreaterThan(0);

  const pods = await readyReleasePods(kc, { namespace: app, app: app, release: release.number });
  expect(pods.length).toBeGreaterThan(0);
  for (const pod of pods) {
    expect(pod.spec!.nodeName).toBe(realNode);
    // A real runtime ran it (kwok pods have no container id), and the kubelet's HTTP probe passed.
    expect(pod.status!.containerStatuses![0]!.containerID).toMatch(/^containerd:\/\//);
    expect(pod.spec!.containers[0]!.readinessProbe?.httpGet?.path).toBe('/ready');
    // Pulled from the authenticated registry with the pull secret Slipway keeps in the namespace.
    expect((pod.spec!.imagePullSecrets ?? []).map((s) => s.name)).toContain('slipway-registry');
  }
  // Placement is install config added at apply time: not in the release record's manifests.
  const live = await liveTemplate({ kc, namespace: app, name: app });
  expect(live.spec!.nodeSelector).toMatchObject({ 'slipway.dev/node': 'real' });
  expect(live.spec!.tolerations).toContainEqual(expect.objectContaining({ key: 'slipway.dev/real-node', effect: 'NoSchedule' }));
  expect(JSON.stringify(release.manifests)).not.toContain('slipway.dev/real-node');

  expect((await serviceProxyGet(kc, { namespace: app, service: app, path: 'hello' })).json).toMatchObject({ app: 'node-server', path: '/hello', status: 200 });
}, 600_000);

// Each bad release rolls back to the good one on what the real kubelet, registry and app say;
// `deploy` is saved on the app, so every case sets env and links whole.
test('the process exits 1: a real crash loop, failed with the exit code and the last log lines, rolled back', async () => {
  const bad = await badRelease({ deploy: { env: { CRASH: '1' } } });
  // Judged from what the real kubelet reports about the exits, not from a deadline running out.
  expect(['CrashLoopBackOff', 'RestartsExceeded']).toContain(bad.failure?.reason);
  expect(bad.failure?.message).toMatch(/exit code 1/);
  const crashed = bad.failure!.pods.find((pod) => pod.exitCode !== undefined);
  expect(crashed).toMatchObject({ exitCode: 1, container: app });
  // The crashed run's own words, read through the API server's pod log endpoint.
  expect(crashed!.log).toContain('crashing on purpose: CRASH=1');
}, 600_000);

test('the image does not exist: the registry says so, the failure quotes the pull error, rolled back', async () => {
  const missing = `${t.config.registry.host}/${app}@sha256:${'0'.repeat(63)}1`;
  const bad = await badRelease({ image: missing, deploy: { env: {} } });
  expect(['ErrImagePull', 'ImagePullBackOff']).toContain(bad.failure?.reason);
  expect(bad.failure?.message).toMatch(/not found|manifest unknown/i);
}, 600_000);

test('a Secret it needs is missing: CreateContainerConfigError quoting the kubelet, rolled back', async () => {
  const bad = await badRelease({ deploy: { env: {}, links: ['no-such-database'] } });
  expect(bad.failure?.reason).toBe('CreateContainerConfigError');
  expect(bad.failure?.message).toMatch(/secret "no-such-database" not found/);
}, 600_000);

test('the readiness probe answers 503: never ready, the failure quotes the probe with its status code, rolled back', async () => {
  const bad = await badRelease({ deploy: { env: { READY_STATUS: '503' }, links: [], readinessDeadlineSeconds: 25 } });
  expect(bad.failure?.reason).toBe('ReadinessDeadlineExceeded');
  expect(bad.failure?.message).toMatch(/Readiness probe failed: HTTP probe failed with statuscode: 503/);
}, 600_000);

test("no node can take it: the scheduler's FailedScheduling is quoted, rolled back", async () => {
  const bad = await badRelease({ deploy: { env: {}, resources: { cpu: '64' }, readinessDeadlineSeconds: 20 } });
  expect(bad.failure?.reason).toBe('ReadinessDeadlineExceeded');
  expect(bad.failure?.message).toMatch(/Insufficient cpu/);
}, 600_000);

test('ready, but every page answers 500: verification fails the release with the statuses it saw, rolled back', async () => {
  const bad = await badRelease({ deploy: { env: { ANSWER_STATUS: '500' }, resources: {}, readinessDeadlineSeconds: 120 } });
  expect(bad.failure?.reason).toBe('VerificationFailed');
  // Kubernetes called it ready (the probe's /ready answers 200): only real requests showed it broken.
  expect(bad.verification).toMatchObject({ state: 'failed', path: '/', statuses: { '500': expect.any(Number) } });
  // The verdict was certain after 3 of 20 requests (at most 10% may fail): it stopped there.
  expect(bad.verification!.requests).toBe(3);
  expect(bad.verification!.firstFailure).toMatchObject({ status: 500 });
  expect(bad.verification!.firstFailure!.body).toContain('"status":500');
  expect(bad.failure?.message).toMatch(/500 ×3/);
  expect(bad.failure?.pods[0]).toMatchObject({ reason: 'VerificationFailed', message: expect.stringMatching(/^HTTP 500/) });
}, 600_000);

test('an app that turns verification off is not asked: the same 500s become current', async () => {
  const number = await newRelease(app, { deploy: { env: { ANSWER_STATUS: '500' }, verify: { enabled: false } } });
  const release = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 240_000 });
  expect(release).toMatchObject({ status: 'current', verification: { state: 'off', message: expect.stringMatching(/verify.enabled: false/) } });
  // Back to a good release for whatever runs after.
  const fixed = await newRelease(app, { deploy: { env: {}, verify: { enabled: true } } });
  expect(await settledRelease({ releases: t.services.releases, app, number: fixed, timeoutMs: 240_000 })).toMatchObject({ status: 'current', verification: { state: 'passed' } });
}, 600_000);

test("the dashboard shows what verification saw and a crashed container's last log lines", async () => {
  const releases = await t.services.releases.list(app);
  const crashed = releases.find((r) => r.failure?.pods.some((pod) => pod.log))!;
  const refused = releases.find((r) => r.failure?.reason === 'VerificationFailed')!;
  const base = await t.api.listen({ host: '127.0.0.1', port: 0 });
  const profile = await mkdtemp(path.join(os.tmpdir(), 'slipway-chromium-'));
  // The flags keep Chromium off the network (this machine refuses outside connections).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/ui/`);
    await page.getByLabel('API token').fill(TEST_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    await page.goto(`${base}/ui/apps/${app}/releases`);
    const release = (n: number) => page.locator(`li[data-release="${n}"]`);
    await release(good.number).filter({ hasText: 'Verification passed: GET / 200 ×20' }).waitFor();
    await release(refused.number).filter({ hasText: 'Verification failed: GET / 500 ×3 (3 of 3 failed, at most 10% allowed)' }).waitFor();
    const logs = release(crashed.number).locator('.crash-logs');
    expect(await logs.innerText()).toMatch(/exited with code 1: last log lines[\s\S]*crashing on purpose: CRASH=1/);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}, 300_000);

/** Releases `payload`, expects it failed and release `good` serving again on the real node; returns it. */
async function badRelease(payload: Record<string, unknown>): Promise<Release> {
  expect(good).toBeDefined();
  const number = await newRelease(app, payload);
  const bad = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 240_000 });
  expect(bad.status).toBe('failed');
  expect(bad.failure?.pods.length).toBeGreaterThan(0);
  expect(bad.rolledBackTo).toMatchObject({ number: good.number, ready: true });
  const live = await liveTemplate({ kc, namespace: app, name: app });
  expect(live.metadata!.labels![LABELS.release]).toBe(String(good.number));
  for (const pod of await readyReleasePods(kc, { namespace: app, app: app, release: good.number })) expect(pod.spec!.nodeName).toBe(realNode);
  expect((await serviceProxyGet(kc, { namespace: app, service: app, path: `after-${number}` })).json).toMatchObject({ app: 'node-server', path: `/after-${number}`, status: 200 });
  return bad;
}

async function newRelease(name: string, payload: Record<string, unknown>): Promise<number> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${name}/releases`, headers: auth, payload });
  if (res.statusCode !== 202) throw new Error(`release of ${name} answered ${res.statusCode}: ${res.body}`);
  return (res.json() as Release).number;
}


