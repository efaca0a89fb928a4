// @runs-alone: a canary step has 8 s to see the app's errors in Prometheus.
import http from 'node:http';
import type { Worker } from 'bullmq';
import { AppsV1Api, CoreV1Api, Watch, type V1Service } from '@kubernetes/client-node';
import { LABELS } from '../../src/releases/render/labels.js';
import type { Progress, Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { LATE_SERVICES_TIMEOUT_MS, lateServicesReady } from '../helpers/late-services.js';
import { pipeline } from '../helpers/pipeline.js';
import { readyReleasePods, serviceProxyGet, startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// Issue 18 on the REAL node: blue-green and canary releases judged by real requests. One image
// (a small Node.js server, built once), every release a config change of it: VERSION says which
// release answered, ANSWER_STATUS makes every page answer that status, FAIL_AFTER makes a pod
// answer 500 once it has served that many pages (a canary that holds up at its first step and
// breaks at its second, under the second step's verification requests).

const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const appsApi = kc.makeApiClient(AppsV1Api);
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let app: string;

const SERVER = `const http = require('http');
process.on('SIGTERM', () => process.exit(0));
let served = 0;
let errors = 0;
const failAfter = Number(process.env.FAIL_AFTER || 0);
http
  .createServer((req, res) => {
    if (req.url === '/ready') return res.end('ready');
    // What Prometheus scrapes (prometheus.io/scrape): errors the app counts while every page answers 200.
    if (req.url === '/metrics') return res.end('# TYPE slipway_test_errors_total counter\\nslipway_test_errors_total ' + errors + '\\n');
    if (process.env.ERRORS) errors += 1;
    served += 1;
    const status = failAfter && served > failAfter ? 500 : Number(process.env.ANSWER_STATUS || 200);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ version: process.env.VERSION ?? null, status, served }));
  })
  .listen(Number(process.env.PORT || 8080));
`;

// The router and metrics-server may still be building (test/env/late-services.sh).
beforeAll(lateServicesReady, LATE_SERVICES_TIMEOUT_MS);

beforeAll(async () => {
  ({ t, workers } = await startRealNodeApi(kc, { name: 'progressive-workers', overrides: { SLIPWAY_PROMETHEUS_URL: requireEnv('SLIPWAY_TEST_PROMETHEUS_URL') } }));
  const created = await p.newApp('node-server', { deploy: { autoDeploy: true, replicas: 2, readinessPath: '/ready', readinessDeadlineSeconds: 120, env: { VERSION: '1' } } });
  app = created.name;
  const sha = await created.repo.commit({ 'server.js': SERVER }, 'a server that says its version and can be told to fail');
  await p.expectPushed(await p.build({ ...created, sha }));
  expect(await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 300_000 })).toMatchObject({ status: 'current' });
}, 600_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] }), 300_000);

describe('blue-green', () => {
  test('the preview gets the new pods, verification passes, the switch is one selector change, the old side is kept and then scaled down', async () => {
    await setStrategy({ type: 'BlueGreen', manualPromotion: true, scaleDownDelaySeconds: 15 });
    const selectors = await watchSelectors(app);
    try {
      const number = await newRelease({ env: { VERSION: '2' } });
      const waiting = await phase(number, 'awaiting-promotion');
      expect(waiting.progress).toMatchObject({ strategy: 'BlueGreen', stable: 1, share: 0 });
      expect(waiting.progress!.analyses[0]).toMatchObject({ state: 'passed', verification: { state: 'passed', statuses: { '200': 20 } } });
      // The preview Service answers from the new pods; the app's Service still from release 1.
      for (let i = 0; i < 5; i++) {
        expect((await serviceProxyGet(kc, { namespace: app, service: `${app}-preview`, path: 'p' })).json).toMatchObject({ version: '2' });
        expect((await serviceProxyGet(kc, { namespace: app, service: app, path: 'a' })).json).toMatchObject({ version: '1' });
      }
      expect(await readyReleasePodsBy(number, true)).toEqual({ '1': 2, [String(number)]: 2 });

      await promote();
      const current = await phase(number, 'scaling-down');
      expect(current.status).toBe('current');
      expect(current.progress!.switchedAt).toBeDefined();
      await waitFor({ timeoutMs: 30_000, intervalMs: 300, check: async () => ((await serviceProxyGet(kc, { namespace: app, service: app, path: 'b' })).json as { version: string }).version === '2' || undefined, message: () => 'the app Service never answered from release 2' });
      // The previous side is still scaled (an abort would be instant) ...
      expect((await appsApi.readNamespacedDeployment({ namespace: app, name: app })).spec!.replicas).toBe(2);
      // ... then scaled down after the delay, and kept at 0.
      const done = await phase(number, 'done');
      expect(done.progress!.events.map((e) => e.message).join('\n')).toMatch(new RegExp(`scaled ${app} to 0`));
      expect((await appsApi.readNamespacedDeployment({ namespace: app, name: app })).spec!.replicas).toBe(0);
      // Held on release 1 before the new pods came up, then switched once: release 1 → release 2.
      const held = selectors.seen.filter((s) => s.includes(LABELS.release));
      expect(held).toEqual([`${LABELS.release}=1`, `${LABELS.release}=${number}`]);
    } finally {
      selectors.stop();
    }
  }, 600_000);

  test('a failing verification never switches: the app Service stays on the current release, the preview side is removed', async () => {
    const before = (await t.services.releases.current(app))!;
    await setStrategy({ type: 'BlueGreen', scaleDownDelaySeconds: 5 });
    const selectors = await watchSelectors(app);
    try {
      const number = await newRelease({ env: { VERSION: '3', ANSWER_STATUS: '500' } });
      const bad = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
      expect(bad).toMatchObject({ status: 'failed', failure: { reason: 'VerificationFailed' }, rolledBackTo: { number: before.number, ready: true } });
      expect(bad.failure!.message).toMatch(/never left release/);
      expect(bad.progress).toMatchObject({ phase: 'aborted' });
      expect(bad.progress!.switchedAt).toBeUndefined();
      expect(selectors.seen.filter((s) => s !== `${LABELS.release}=${before.number}`)).toEqual([]);
      expect((await t.services.releases.current(app))!.number).toBe(before.number);
      expect(bad.rolledBackTo!.pruned).toEqual(expect.arrayContaining([`Deployment ${app}-r${number}`]));
      expect(((await serviceProxyGet(kc, { namespace: app, service: app, path: 'c' })).json as { version: string }).version).toBe(String(before.config.env.VERSION));
    } finally {
      selectors.stop();
    }
  }, 600_000);
});

describe('canary', () => {
  test('each step runs its share of the pods (the replica ratio), with a manual promote at each step', async () => {
    await scale(4);
    await setStrategy({ type: 'Canary', steps: [25, 50, 100], manualPromotion: true });
    const stable = (await t.services.releases.current(app))!.number;
    const number = await newRelease({ env: { VERSION: '4' } });
    const expected = [
      { share: 25, canary: 1, stable: 3 },
      { share: 50, canary: 2, stable: 2 },
    ];
    for (const [i, step] of expected.entries()) {
      const held = await phase(number, 'awaiting-promotion', i + 1);
      expect(held.progress).toMatchObject({ step: i + 1, share: step.share, replicas: { release: step.canary, stable: step.stable } });
      expect(await readyReleasePodsBy(number, true)).toEqual({ [String(stable)]: step.stable, [String(number)]: step.canary });
      expect(held.progress!.analyses[i]).toMatchObject({ step: i + 1, state: 'passed', share: step.share });
      await promote();
    }
    const done = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
    expect(done).toMatchObject({ status: 'current', progress: { share: 100, replicas: { release: 4, stable: 0 } } });
    expect(done.progress!.analyses.map((a) => a.state)).toEqual(['passed', 'passed', 'passed']);
    await waitFor({ timeoutMs: 60_000, intervalMs: 500, check: async () => (JSON.stringify(await readyReleasePodsBy(number)) === JSON.stringify({ [String(number)]: 4 }) ? true : undefined), message: () => 'the stable side did not go' });
  }, 900_000);

  test('a failing analysis at step 2 aborts and puts all traffic back on the stable release', async () => {
    await scale(2);
    await setStrategy({ type: 'Canary', steps: [20, 50, 100], pauseSeconds: 1 });
    const stable = (await t.services.releases.current(app))!;
    // Each canary pod serves 20 verification pages at step 1 (1 pod) and breaks after 25.
    const number = await newRelease({ env: { VERSION: '5', FAIL_AFTER: '25' } });
    const bad = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
    expect(bad).toMatchObject({ status: 'failed', failure: { reason: 'VerificationFailed' }, rolledBackTo: { number: stable.number, ready: true } });
    expect(bad.progress!.analyses.map((a) => [a.step, a.state])).toEqual([
      [1, 'passed'],
      [2, 'failed'],
    ]);
    expect(bad.failure!.message).toMatch(/^canary step 2/);
    expect(bad.progress!.phase).toBe('aborted');
    expect(await readyReleasePodsBy(stable.number, true)).toEqual({ [String(stable.number)]: 2 });
    for (let i = 0; i < 5; i++) expect((await serviceProxyGet(kc, { namespace: app, service: app, path: `d${i}` })).json).toMatchObject({ version: stable.config.env.VERSION });
  }, 600_000);

  test('abort while paused: the canary goes and the stable release takes all traffic again', async () => {
    await setStrategy({ type: 'Canary', steps: [50, 100], manualPromotion: true });
    const stable = (await t.services.releases.current(app))!;
    const number = await newRelease({ env: { VERSION: '6' } });
    await phase(number, 'awaiting-promotion', 1);
    const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/abort`, headers: auth });
    expect(res.statusCode).toBe(202);
    const aborted = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 120_000 });
    expect(aborted).toMatchObject({ status: 'failed', failure: { reason: 'Aborted' }, rolledBackTo: { number: stable.number, ready: true } });
    expect(await readyReleasePodsBy(stable.number, true)).toEqual({ [String(stable.number)]: 2 });
    const nothing = await t.api.inject({ method: 'POST', url: `/apps/${app}/promote`, headers: auth });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json()).toMatchObject({ error: { code: 'ROLLOUT_NOT_IN_PROGRESS' } });
  }, 600_000);
});

describe('canary judged by a Prometheus query (the test env\'s Prometheus scraping the real node\'s pods)', () => {
  test('errors the app counts fail the step at the end of its pause, though every page answers 200; all traffic goes back to the stable release', async () => {
    await scale(2);
    const stable = (await t.services.releases.current(app))!;
    const query = 'sum(slipway_test_errors_total{namespace="{{namespace}}",release="{{release}}"})';
    await setStrategy({ type: 'Canary', steps: [50, 100], pauseSeconds: 8, prometheus: { query, max: 0 } });
    const number = await newRelease({ env: { VERSION: '8', ERRORS: '1' }, podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' } });
    const bad = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
    expect(bad).toMatchObject({ status: 'failed', failure: { reason: 'MetricFailed' }, rolledBackTo: { number: stable.number, ready: true } });
    // Every verification request answered 200: only the metric saw the errors.
    expect(bad.verification).toMatchObject({ state: 'passed', statuses: { '200': 20 } });
    const analysis = bad.progress!.analyses[0]!;
    expect(analysis).toMatchObject({ step: 1, state: 'failed', metric: { state: 'failed', query: `sum(slipway_test_errors_total{namespace="${app}",release="${number}"})`, max: 0 } });
    expect(analysis.metric!.value).toBeGreaterThan(0);
    expect(bad.failure!.message).toMatch(/^canary step 1 \(50% of traffic\): Prometheus:? .* → \d+ > 0$/);
    expect(await readyReleasePodsBy(stable.number, true)).toEqual({ [String(stable.number)]: 2 });
  }, 600_000);
});

describe('canary behind a weighted router (Traefik as the Gateway API router of test/env/router)', () => {
  test('the share is the route weight, exact, whatever the pod count; an abort gives the stable release every request through the Gateway again', async () => {
    const [gatewayNamespace, gatewayName] = requireEnv('SLIPWAY_TEST_GATEWAY').split('/');
    const host = `${app}.gateway.test`;
    await scale(2);
    await setStrategy({ type: 'Canary', steps: [10, 100], manualPromotion: true, gatewayRef: { name: gatewayName, namespace: gatewayNamespace } });
    const stable = (await t.services.releases.current(app))!;
    const number = await newRelease({ env: { VERSION: '7' }, host });
    const held = await phase(number, 'awaiting-promotion', 1);
    // 1 canary pod beside 2 stable ones (33% by pod count), and the route gives it 10%.
    expect(held.progress).toMatchObject({ share: 10, replicas: { release: 1, stable: 2 }, gateway: requireEnv('SLIPWAY_TEST_GATEWAY') });
    const split = await gatewayVersions(host, 200);
    expect(Object.keys(split).sort()).toEqual([String(stable.config.env.VERSION), '7'].sort());
    expect(split['7']).toBeGreaterThanOrEqual(15);
    expect(split['7']).toBeLessThanOrEqual(25);

    expect((await t.api.inject({ method: 'POST', url: `/apps/${app}/abort`, headers: auth })).statusCode).toBe(202);
    const aborted = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 120_000 });
    expect(aborted).toMatchObject({ status: 'failed', failure: { reason: 'Aborted' }, rolledBackTo: { number: stable.number, ready: true } });
    // Slipway gave the stable release weight 100 before the canary's pods went; the router takes
    // the new route on its own reload (Traefik throttles provider changes to one per 2 s).
    const only = String(stable.config.env.VERSION);
    await waitFor({
      timeoutMs: 30_000,
      intervalMs: 100,
      check: async () => (JSON.stringify(await gatewayVersions(host, 20).catch(() => ({}))) === JSON.stringify({ [only]: 20 }) ? true : undefined),
      message: () => `the Gateway never answered only from release ${stable.number}`,
    });
    expect(await gatewayVersions(host, 50)).toEqual({ [only]: 50 });
  }, 600_000);
});

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} not set: run tests with scripts/test.sh (test/env/start.sh starts the router)`);
  return value;
}

/** GETs `/` of `host` through the test env's Gateway `count` times, one at a time, once the route answers; counts the answers by version. */
async function gatewayVersions(host: string, count: number): Promise<Record<string, number>> {
  const url = requireEnv('SLIPWAY_TEST_GATEWAY_URL');
  const get = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.get(url, { headers: { host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      request.on('error', reject);
    });
  // The router picks a new route up within a second or two of its watch event.
  await waitFor({ timeoutMs: 30_000, intervalMs: 200, check: async () => ((await get()).status === 200 ? true : undefined), message: () => `the Gateway does not route ${host}` });
  const versions: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const answer = await get();
    if (answer.status !== 200) throw new Error(`the Gateway answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    const version = String((JSON.parse(answer.body) as { version: string }).version);
    versions[version] = (versions[version] ?? 0) + 1;
  }
  return versions;
}

async function setStrategy(strategy: Record<string, unknown>): Promise<void> {
  const res = await t.api.inject({ method: 'PUT', url: `/apps/${app}/strategy`, headers: auth, payload: { strategy } });
  if (res.statusCode !== 200) throw new Error(`strategy answered ${res.statusCode}: ${res.body}`);
}

async function scale(replicas: number): Promise<void> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/scale`, headers: auth, payload: { replicas } });
  if (res.statusCode !== 200) throw new Error(`scale answered ${res.statusCode}: ${res.body}`);
  const current = (await t.services.releases.current(app))!;
  await readyReleasePods(kc, { namespace: app, app, release: current.number });
}

async function promote(): Promise<void> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/promote`, headers: auth });
  if (res.statusCode !== 202) throw new Error(`promote answered ${res.statusCode}: ${res.body}`);
}

async function newRelease(deploy: Record<string, unknown>): Promise<number> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/releases`, headers: auth, payload: { deploy } });
  if (res.statusCode !== 202) throw new Error(`release answered ${res.statusCode}: ${res.body}`);
  return (res.json() as Release).number;
}

/** Waits until release `number` reaches `wanted` (at step `step`); fails at once when it settles otherwise. */
async function phase(number: number, wanted: Progress['phase'], step?: number): Promise<Release> {
  let last: Release | undefined;
  return waitFor({
    timeoutMs: 300_000,
    intervalMs: 300,
    check: async () => {
      last = await t.services.releases.find(app, number);
      if (last?.status === 'failed' || last?.status === 'superseded') throw new Error(`release ${number} ${last.status}: ${last.failure?.message ?? ''}`);
      return last?.progress?.phase === wanted && (step === undefined || last.progress.step === step) ? last : undefined;
    },
    message: () => `release ${number} is ${last?.status} in phase ${last?.progress?.phase} step ${last?.progress?.step}`,
  });
}

/** Ready pods of the app by release label (`settled`: waits until no pod is terminating or unready). */
async function readyReleasePodsBy(_release: number, settled = false): Promise<Record<string, number>> {
  const count = async () => {
    const pods = (await core.listNamespacedPod({ namespace: app, labelSelector: `${LABELS.name}=${app}` })).items;
    const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
    const ready = live.filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const by: Record<string, number> = {};
    for (const pod of ready) by[pod.metadata!.labels![LABELS.release]!] = (by[pod.metadata!.labels![LABELS.release]!] ?? 0) + 1;
    return { by, clean: ready.length === pods.length };
  };
  if (!settled) return (await count()).by;
  let last = {};
  return waitFor({
    timeoutMs: 120_000,
    intervalMs: 500,
    check: async () => {
      const { by, clean } = await count();
      last = by;
      return clean ? by : undefined;
    },
    message: () => `pods still changing: ${JSON.stringify(last)}`,
  });
}

/** Every distinct selector of the app's Service while the watch runs, as `key=value` of its release label (or `all`). */
async function watchSelectors(name: string): Promise<{ seen: string[]; stop: () => void }> {
  const seen: string[] = [];
  const watch = new Watch(kc);
  const request = await watch.watch(
    `/api/v1/namespaces/${name}/services`,
    { fieldSelector: `metadata.name=${name}` },
    (_type: string, service: V1Service) => {
      const release = service.spec?.selector?.[LABELS.release];
      const now = release ? `${LABELS.release}=${release}` : 'all';
      if (seen.at(-1) !== now) seen.push(now);
    },
    () => undefined,
  );
  return { seen, stop: () => request.abort() };
}
