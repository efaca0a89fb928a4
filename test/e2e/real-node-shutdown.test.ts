// @runs-alone: it counts failed requests during a rolling update, timed by a 5 s preStop pause.
import https from 'node:https';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { LABELS } from '../../src/releases/render/labels.js';
import type { Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { readyReleasePods, serviceProxyGet, startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// Issue 19 on the REAL node of the test cluster: the labels that say which commit runs, and the
// graceful shutdown every app gets by default (a preStop pause while the endpoints drop a pod).

const kc = testKubeConfig();
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let app: string;
let sha: string;

// Exits at once on SIGTERM, dropping the requests it is answering, as many servers do: only the
// preStop pause keeps it serving until the endpoints have dropped it and its last requests are
// answered. /slow answers after 300 ms, as a page that does some work.
const SERVER = `const http = require('http');
process.on('SIGTERM', () => process.exit(0));
http
  .createServer((req, res) => {
    const answer = () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ path: req.url, pod: process.env.HOSTNAME })); };
    if (req.url.startsWith('/slow')) setTimeout(answer, 300); else answer();
  })
  .listen(Number(process.env.PORT || 8080));
`;

beforeAll(async () => {
  ({ t, workers } = await startRealNodeApi(kc, { name: 'real-node-shutdown-workers' }));
}, 60_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] }), 600_000);

test('after a deploy from a build, slipway.dev/commit=<sha> selects the live Deployment, its pods, Service and ConfigMap', async () => {
  const created = await p.newApp('node-server', { deploy: { autoDeploy: true, env: { GREETING: 'hi' }, readinessDeadlineSeconds: 120 } });
  app = created.name;
  sha = await created.repo.commit({ 'server.js': SERVER }, 'a server that stops at once on SIGTERM');
  const build = await p.build({ ...created, sha });
  await p.expectPushed(build);
  const release = await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 240_000 });
  expect(release).toMatchObject({ status: 'current', commit: sha });

  const selected = await byCommit(kc, { namespace: app, sha });
  expect(selected.deployments).toEqual([app]);
  expect(selected.services).toEqual([app]);
  expect(selected.configMaps).toEqual([expect.stringMatching(new RegExp(`^${app}-env-`))]);
  const pods = await readyReleasePods(kc, { namespace: app, app, release: 1 });
  expect(selected.pods.sort()).toEqual(pods.map((pod) => pod.metadata!.name!).sort());
  expect(pods[0]!.metadata!.labels).toMatchObject({ [LABELS.version]: sha.slice(0, 7), [LABELS.component]: 'server', [LABELS.instance]: app, [LABELS.partOf]: app });
  // Graceful shutdown by default: the kubelet's own sleep before SIGTERM, in a 30 s grace period.
  expect(pods[0]!.spec!.terminationGracePeriodSeconds).toBe(30);
  expect(pods[0]!.spec!.containers[0]!.lifecycle?.preStop?.sleep?.seconds).toBe(5);
}, 600_000);

test('the shutdown setting refuses a pause that outlasts the grace period, and a negative one', async () => {
  for (const shutdown of [{ preStopSeconds: 40 }, { gracePeriodSeconds: 5, preStopSeconds: 5 }, { preStopSeconds: -1 }]) {
    const res = await t.api.inject({ method: 'PUT', url: `/apps/${app}/shutdown`, headers: auth, payload: { shutdown } });
    expect({ shutdown, status: res.statusCode }).toEqual({ shutdown, status: 400 });
  }
  expect((await t.api.inject({ method: 'GET', url: `/apps/${app}/shutdown`, headers: auth })).json()).toEqual({ shutdown: null });
}, 60_000);

test('a rolling update of 2 replicas through the service proxy: no request fails with the default pause (measured without it)', async () => {
  // Two replicas first; the release after it is a config change of the same image: same commit.
  const two = await settle(await newRelease({ deploy: { replicas: 2, env: { GREETING: 'two' } } }));
  const labelled = await byCommit(kc, { namespace: app, sha });
  expect(labelled.pods).toHaveLength(2);
  expect(two.commit).toBe(sha);

  const withPause = await underLoad(async () => settle(await newRelease({ deploy: { env: { GREETING: 'rolled' } } })));
  // What this install measured is printed for the docs, whatever it is.
  console.info(`rolling update, 2 replicas, default 5 s preStop pause: ${JSON.stringify(withPause)}`);
  expect(withPause.sent).toBeGreaterThan(0);
  expect(withPause.failed).toEqual([]);

  const off = await t.api.inject({ method: 'PUT', url: `/apps/${app}/shutdown`, headers: auth, payload: { shutdown: { preStopSeconds: 0 } } });
  expect(off.statusCode).toBe(200);
  const offRelease = await settle((off.json() as { release: Release }).release.number);
  expect(offRelease.manifests.find((m) => m.kind === 'Deployment')).not.toHaveProperty(['spec', 'template', 'spec', 'containers', 0, 'lifecycle']);
  await noTerminatingPods(kc, app);
  const withoutPause = await underLoad(async () => settle(await newRelease({ deploy: { env: { GREETING: 'rolled without a pause' } } })));
  // Not asserted: how many fail without the pause depends on how fast the endpoints catch up here.
  console.info(`rolling update, 2 replicas, no preStop pause: ${JSON.stringify(withoutPause)}`);
  expect(withoutPause.sent).toBeGreaterThan(0);
}, 900_000);

async function newRelease(payload: Record<string, unknown>): Promise<number> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/releases`, headers: auth, payload });
  if (res.statusCode !== 202) throw new Error(`release of ${app} answered ${res.statusCode}: ${res.body}`);
  return (res.json() as Release).number;
}

async function settle(number: number): Promise<Release> {
  const release = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
  expect({ number, status: release.status, failure: release.failure?.message }).toEqual({ number, status: 'current', failure: undefined });
  return release;
}

/** What `kubectl get deploy,pods,svc,cm -l slipway.dev/commit=<sha>` lists (pods being deleted left out). */
async function byCommit(kc: KubeConfig, params: { namespace: string; sha: string }) {
  const labelSelector = `${LABELS.commit}=${params.sha}`;
  const core = kc.makeApiClient(CoreV1Api);
  const names = (items: Array<{ metadata?: { name?: string; deletionTimestamp?: Date } }>) => items.filter((i) => !i.metadata?.deletionTimestamp).map((i) => i.metadata!.name!);
  return {
    deployments: names((await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: params.namespace, labelSelector })).items),
    pods: names((await core.listNamespacedPod({ namespace: params.namespace, labelSelector })).items),
    services: names((await core.listNamespacedService({ namespace: params.namespace, labelSelector })).items),
    configMaps: names((await core.listNamespacedConfigMap({ namespace: params.namespace, labelSelector })).items),
  };
}

/** Waits until no pod of the app is terminating: the rollout before is over. */
async function noTerminatingPods(kc: KubeConfig, namespace: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  let left: string[] = [];
  await waitFor({
    timeoutMs: 120_000,
    intervalMs: 500,
    check: async () => {
      left = (await core.listNamespacedPod({ namespace })).items.filter((pod) => pod.metadata?.deletionTimestamp).map((pod) => pod.metadata!.name!);
      return left.length ? undefined : true;
    },
    message: () => `pods still terminating: ${left.join(', ')}`,
  });
}

/** The message of the API server's own Status answer (its 503 for a pod it could not reach), else the body's start. */
function said(body: string): string {
  try {
    return String((JSON.parse(body) as { message?: unknown }).message ?? body.slice(0, 200));
  } catch {
    return body.slice(0, 200);
  }
}

/**
 * Four clients sending GETs of /slow through the API server's service proxy, one after another, while
 * `during` runs and until the old pods are gone: how many were sent, and each failure (a
 * non-2xx answer, such as the proxy's 503 for a pod that stopped listening, or an error).
 */
async function underLoad(during: () => Promise<unknown>): Promise<{ sent: number; failed: string[] }> {
  await serviceProxyGet(kc, { namespace: app, service: app, path: 'warm-up' });
  const url = new URL(`/api/v1/namespaces/${app}/services/${app}:http/proxy/slow`, kc.getCurrentCluster()!.server);
  const options: https.RequestOptions = { method: 'GET', timeout: 10_000 };
  await kc.applyToHTTPSOptions(options);
  let running = true;
  let sent = 0;
  const failed: string[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      const request = https.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) failed.push(`${res.statusCode} ${said(Buffer.concat(chunks).toString())}`);
          resolve();
        });
        res.on('error', (error) => (failed.push(String(error)), resolve()));
      });
      request.on('timeout', () => request.destroy(new Error('no answer in 10 s')));
      request.on('error', (error) => (failed.push(String(error)), resolve()));
      request.end();
    });
  const client = async () => {
    while (running) {
      sent += 1;
      await one();
    }
  };
  const clients = [client(), client(), client(), client()];
  try {
    await during();
    await noTerminatingPods(kc, app);
  } finally {
    running = false;
    await Promise.all(clients);
  }
  return { sent, failed };
}
