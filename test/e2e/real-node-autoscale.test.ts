// @runs-alone: the HPA scales on the real node's CPU, which another file's load would use.
import https from 'node:https';
import { AppsV1Api, AutoscalingV2Api, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import type { Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { LATE_SERVICES_TIMEOUT_MS, lateServicesReady } from '../helpers/late-services.js';
import { pipeline } from '../helpers/pipeline.js';
import { serviceProxyGet, startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// Issue 19, autoscaling, on the REAL node: metrics-server (test/env/metrics) scrapes its kubelet,
// the controller-manager's HPA controller reads metrics.k8s.io, and the app's HPA really adds pods
// under load and removes them after it. A release and a rollback in between keep the count.
// Minds 2 cores: the pods request 50m CPU and the load is one client spinning ~25 ms per request.

const kc = testKubeConfig();
const hpas = kc.makeApiClient(AutoscalingV2Api);
const apps = kc.makeApiClient(AppsV1Api);
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let app: string;
let load: { stop: () => void; done: Promise<number> } | undefined;

// /burn spins the CPU for ?ms= milliseconds (at most 200) before it answers.
const SERVER = `const http = require('http');
process.on('SIGTERM', () => process.exit(0));
http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/burn') {
      const until = Date.now() + Math.min(Number(url.searchParams.get('ms') || 25), 200);
      let n = 0;
      while (Date.now() < until) n += Math.sqrt(n + 1);
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ pod: process.env.HOSTNAME, greeting: process.env.GREETING || null }));
  })
  .listen(Number(process.env.PORT || 8080));
`;

// The router and metrics-server may still be building (test/env/late-services.sh).
beforeAll(lateServicesReady, LATE_SERVICES_TIMEOUT_MS);

beforeAll(async () => {
  ({ t, workers } = await startRealNodeApi(kc, { name: 'real-node-autoscale-workers' }));
}, 60_000);

afterAll(async () => {
  load?.stop();
  await load?.done;
  await stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] });
}, 600_000);


test('autoscale on CPU: the HPA adds pods under load, a release and a rollback keep them, and it removes them after', async () => {
  const created = await p.newApp('node-server', { deploy: { autoDeploy: true, resources: { cpu: '50m' }, readinessDeadlineSeconds: 180 } });
  app = created.name;
  const sha = await created.repo.commit({ 'server.js': SERVER }, 'a server that burns CPU on /burn');
  await p.expectPushed(await p.build({ ...created, sha }));
  await settle(1);

  // Release 2 applies the HPA (1 to 3 pods at 50% of the 50m request; scale-down after 15 s of low use).
  const set = await t.api.inject({ method: 'PUT', url: `/apps/${app}/autoscale`, headers: auth, payload: { autoscale: { minReplicas: 1, maxReplicas: 3, cpuPercent: 50, scaleDownDelaySeconds: 15 } } });
  expect(set.statusCode).toBe(200);
  await settle((set.json() as { release: Release }).release.number);
  const hpa = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: app, name: app });
  expect(hpa.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: app }, minReplicas: 1, maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 15 } } });
  expect(hpa.metadata?.labels).toMatchObject({ 'app.kubernetes.io/name': app, 'app.kubernetes.io/managed-by': 'slipway' });

  // `scale` would be overridden by the HPA at its next sync: refused, saying what to do.
  const scale = await t.api.inject({ method: 'POST', url: `/apps/${app}/scale`, headers: auth, payload: { replicas: 2 } });
  expect(scale.statusCode).toBe(409);
  expect(scale.json()).toMatchObject({ error: { code: 'AUTOSCALE_OWNS_REPLICAS', message: expect.stringContaining('--off') } });

  // metrics-server's first samples, and idle: one pod under the target (a starting node process
  // can burn its 50m for a while, and the HPA may add pods for that; they go after 15 s of quiet).
  await hpaUntil('reads an idle CPU utilization from metrics.k8s.io at 1 pod', 300_000, (h) => {
    const used = h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization;
    return used !== undefined && used < 50 && h.status?.desiredReplicas === 1 && h.status.currentReplicas === 1;
  });

  const upStarted = Date.now();
  load = drive();
  await hpaUntil('asks for 2 or more pods under load', 300_000, (h) => (h.status?.desiredReplicas ?? 0) >= 2);
  const readyUp = await readyReplicas(2, 240_000);
  const scaledUpSeconds = (Date.now() - upStarted) / 1000;

  // A release (a config change) while the HPA holds 2+ pods: the count is not reset to the app's 1.
  const change = await t.api.inject({ method: 'POST', url: `/apps/${app}/releases`, headers: auth, payload: { deploy: { env: { GREETING: 'under load' } } } });
  expect(change.statusCode).toBe(202);
  const changed = await settle((change.json() as Release).number);
  expect(changed.manifests.find((m) => m.kind === 'Deployment')).toMatchObject({ spec: { replicas: 1 } });
  expect(await replicasNow()).toBeGreaterThanOrEqual(2);
  // Slipway's server-side apply left spec.replicas to the HPA: its field set does not hold it.
  expect(await slipwayOwnsReplicas()).toBe(false);

  // A rollback to release 1, from before autoscaling was set: the HPA is the app's and stays.
  const back = await t.api.inject({ method: 'POST', url: `/apps/${app}/rollback`, headers: auth, payload: { to: 1 } });
  expect(back.statusCode).toBe(202);
  await settle((back.json() as Release).number);
  expect((await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: app, name: app })).spec?.maxReplicas).toBe(3);
  expect(await replicasNow()).toBeGreaterThanOrEqual(2);
  expect((await t.api.inject({ method: 'GET', url: `/apps/${app}`, headers: auth })).json()).toMatchObject({ deploy: { autoscale: { minReplicas: 1, maxReplicas: 3, cpuPercent: 50 } } });

  load.stop();
  const sent = await load.done;
  const downStarted = Date.now();
  await hpaUntil('scales back to 1 pod once the load stops', 420_000, (h) => h.status?.desiredReplicas === 1 && h.status.currentReplicas === 1);
  const scaledDownSeconds = (Date.now() - downStarted) / 1000;
  console.info(`autoscale on the real node: up to ${readyUp} ready pods ${scaledUpSeconds.toFixed(0)} s after the load started (${sent} requests in all); back to 1 pod ${scaledDownSeconds.toFixed(0)} s after it stopped (15 s scale-down window, 10 s metric resolution, 15 s HPA sync)`);

  const status = (await t.api.inject({ method: 'GET', url: `/apps/${app}/autoscale/status`, headers: auth })).json();
  expect(status).toMatchObject({ autoscale: { maxReplicas: 3 }, status: { currentReplicas: 1, cpuPercent: expect.any(Number) } });

  // Off: a release without the HPA, and the app's own scale again.
  const off = await t.api.inject({ method: 'DELETE', url: `/apps/${app}/autoscale`, headers: auth });
  expect(off.statusCode).toBe(200);
  await settle((off.json() as { release: Release }).release.number);
  await expect(hpas.readNamespacedHorizontalPodAutoscaler({ namespace: app, name: app })).rejects.toMatchObject({ code: 404 });
  expect(await slipwayOwnsReplicas()).toBe(true);
  expect((await t.api.inject({ method: 'POST', url: `/apps/${app}/scale`, headers: auth, payload: { replicas: 1 } })).statusCode).toBe(200);

  // On again, then the app deleted: its HPA goes with its workloads.
  const again = await t.api.inject({ method: 'PUT', url: `/apps/${app}/autoscale`, headers: auth, payload: { autoscale: { minReplicas: 1, maxReplicas: 2, cpuPercent: 80 } } });
  await settle((again.json() as { release: Release }).release.number);
  const deleted = await t.api.inject({ method: 'DELETE', url: `/apps/${app}`, headers: auth });
  expect(deleted.statusCode).toBe(200);
  expect(deleted.json().deleted).toEqual(expect.arrayContaining([`HorizontalPodAutoscaler/${app}`, `Deployment/${app}`]));
  await expect(hpas.readNamespacedHorizontalPodAutoscaler({ namespace: app, name: app })).rejects.toMatchObject({ code: 404 });
}, 1_800_000);

async function settle(number: number): Promise<Release> {
  const release = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
  expect({ number, status: release.status, failure: release.failure?.message }).toEqual({ number, status: 'current', failure: undefined });
  return release;
}

async function hpaUntil(what: string, timeoutMs: number, ok: (hpa: V2HorizontalPodAutoscaler) => boolean): Promise<V2HorizontalPodAutoscaler> {
  let last = '';
  return waitFor({
    timeoutMs,
    intervalMs: 2000,
    check: async () => {
      const hpa = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: app, name: app });
      last = JSON.stringify({ status: hpa.status });
      return ok(hpa) ? hpa : undefined;
    },
    message: () => `the HPA of ${app} never ${what}: ${last}`,
  });
}

/** Whether Slipway's field manager owns the Deployment's spec.replicas (managedFields, server-side apply). */
async function slipwayOwnsReplicas(): Promise<boolean> {
  const deployment = await apps.readNamespacedDeployment({ namespace: app, name: app });
  const fields = (deployment.metadata?.managedFields ?? []).filter((f) => f.manager === 'slipway' && f.operation === 'Apply');
  expect(fields).not.toEqual([]);
  return fields.some((f) => Object.hasOwn(((f.fieldsV1 as Record<string, Record<string, unknown>>)?.['f:spec'] ?? {}), 'f:replicas'));
}

async function replicasNow(): Promise<number> {
  return (await apps.readNamespacedDeployment({ namespace: app, name: app })).spec?.replicas ?? 0;
}

async function readyReplicas(atLeast: number, timeoutMs: number): Promise<number> {
  let seen = '';
  return waitFor({
    timeoutMs,
    intervalMs: 1000,
    check: async () => {
      const status = (await apps.readNamespacedDeployment({ namespace: app, name: app })).status;
      seen = JSON.stringify(status);
      return (status?.readyReplicas ?? 0) >= atLeast ? status!.readyReplicas! : undefined;
    },
    message: () => `fewer than ${atLeast} ready pods of ${app}: ${seen}`,
  });
}

/**
 * One client GETting /burn?ms=25 through the API server's service proxy, every 100 ms: about a
 * quarter of one core at most, spread over the app's pods; several times a 50m request.
 */
function drive(): { stop: () => void; done: Promise<number> } {
  let running = true;
  const done = (async () => {
    await serviceProxyGet(kc, { namespace: app, service: app, path: 'warm-up' });
    const url = new URL(`/api/v1/namespaces/${app}/services/${app}:http/proxy/burn?ms=25`, kc.getCurrentCluster()!.server);
    const options: https.RequestOptions = { method: 'GET', timeout: 10_000 };
    await kc.applyToHTTPSOptions(options);
    let sent = 0;
    while (running) {
      sent += 1;
      await get(url, options);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return sent;
  })();
  return { stop: () => (running = false), done };
}

/** One GET; its answer or failure does not matter (a pod going away mid-rollout answers 503). */
function get(url: URL, options: https.RequestOptions): Promise<void> {
  return new Promise((resolve) => {
    const request = https.request(url, options, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', () => resolve());
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve());
    request.end();
  });
}

