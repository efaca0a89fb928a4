import type { Worker } from 'bullmq';
import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { App, Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { serviceProxyGet, startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// Issue 17, "rollback restores the whole truth", on the real node: a config release that
// crashes the app and adds a host and a volume is rolled back, and afterwards what the user
// reads back (GET /apps/:app/env, `slipway env list`, the app's stored config) is what runs,
// the Ingress and the claim only the failed release made are gone, the failed release says
// what was reverted and pruned, and the next push deploys the good config.

const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const networking = kc.makeApiClient(NetworkingV1Api);
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let created: Awaited<ReturnType<typeof p.newApp>>;
let app: string;
let cli: Record<string, string>;

// Refuses to start when CRASH is set: a config change that crash-loops the app.
const SERVER = `const http = require('http');
if (process.env.CRASH) {
  console.error('refusing to start: CRASH is set');
  process.exit(1);
}
process.on('SIGTERM', () => process.exit(0));
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ greeting: process.env.GREETING ?? null, version: process.env.APP_VERSION ?? null }));
  })
  .listen(Number(process.env.PORT || 8080));
`;

beforeAll(async () => {
  ({ t, workers } = await startRealNodeApi(kc, { name: 'rollback-restores-workers' }));
  cli = await cliEnv(t.api);
  created = await p.newApp('node-server', { deploy: { autoDeploy: true, readinessDeadlineSeconds: 90, env: { GREETING: 'hello' } } });
  app = created.name;
  const sha = await created.repo.commit({ 'server.js': SERVER }, 'crashes when CRASH is set');
  await p.expectPushed(await p.build({ ...created, sha }));
}, 600_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] }), 600_000);

test('a failed config release is rolled back and the app reads as before: env, stored config, no Ingress or claim of its own', async () => {
  const good = await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 300_000 });
  expect(good.status).toBe('current');
  expect(await get()).toEqual({ greeting: 'hello', version: null });
  const before = await appRecord();

  // A config change that crash-loops the app and adds a host (an Ingress), and a new volume (a
  // claim): two releases, recorded while the deploy worker is paused, so the second carries both.
  const deployWorker = workers[1]!;
  await deployWorker.pause();
  const res = await t.api.inject({
    method: 'POST',
    url: `/apps/${app}/releases`,
    headers: auth,
    payload: { deploy: { env: { GREETING: 'hello', CRASH: '1' }, host: 'www.rollback.test' } },
  });
  expect(res.statusCode).toBe(202);
  const volume = await t.api.inject({ method: 'POST', url: `/apps/${app}/volumes`, headers: auth, payload: { size: '64Mi', mountPath: '/data' } });
  expect(volume.statusCode).toBe(201);
  deployWorker.resume();
  const firstNumber = (res.json() as Release).number;
  const badNumber = (volume.json() as { release: Release }).release.number;
  expect(badNumber).toBe(firstNumber + 1);
  const bad = await settledRelease({ releases: t.services.releases, app, number: badNumber, timeoutMs: 300_000 });
  expect(bad).toMatchObject({ status: 'failed', rolledBackTo: { number: 1, ready: true } });
  // The first of the two, rolled back while the stored config already held the second's change, left it alone and said so.
  const first = await t.services.releases.get(app, firstNumber);
  if (first.rolledBackTo) expect(first.rolledBackTo.configKept).toContain(`changed again after release ${firstNumber} (release ${badNumber} is recorded since)`);
  expect(bad.config.env).toEqual({ GREETING: 'hello', CRASH: '1' });

  // What was reverted and pruned is recorded on the failed release, in plain words.
  expect(bad.rolledBackTo!.reverted).toEqual(expect.arrayContaining(['env CRASH removed', 'host www.rollback.test removed', 'volume data removed']));
  expect(bad.rolledBackTo!.pruned).toEqual(expect.arrayContaining(['Ingress ' + app, `PersistentVolumeClaim ${app}-data`]));
  expect(bad.rolledBackTo!.configKept).toBeUndefined();

  // The stored config is the good release's again (replicas are the app's own), and reads so.
  const after = await appRecord();
  expect(after.deploy).toEqual({ ...good.config, replicas: before.deploy.replicas });
  expect(after.port).toBe(good.port);
  const env = await t.api.inject({ method: 'GET', url: `/apps/${app}/env`, headers: auth });
  expect(env.json()).toEqual({ env: { GREETING: 'hello' } });
  const listed = await slipway(['env', 'list', app], cli);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain('GREETING');
  expect(listed.stdout).not.toContain('CRASH');

  // The Ingress and the claim only the failed release made are gone (a claim waits for its pods to go).
  await expect(networking.readNamespacedIngress({ namespace: app, name: app })).rejects.toMatchObject({ code: 404 });
  await waitFor({
    timeoutMs: 120_000,
    intervalMs: 500,
    check: async () =>
      core.readNamespacedPersistentVolumeClaim({ namespace: app, name: `${app}-data` }).then(
        (claim) => (claim.metadata?.deletionTimestamp ? true : undefined),
        (error: { code?: number }) => (error.code === 404 ? true : undefined),
      ),
    message: () => `claim ${app}-data is neither deleted nor being deleted`,
  });
  expect(await get()).toEqual({ greeting: 'hello', version: null });

  // The CLI says plainly which release runs and why.
  const status = await slipway(['status', app], cli);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`${app} runs release 1 — release ${badNumber} failed (`);
  expect(status.stdout).toMatch(/reverted: .*env CRASH removed/);
  expect(status.stdout).toMatch(new RegExp(`pruned: .*Ingress ${app}`));
  const releases = await slipway(['releases', app], cli);
  expect(releases.stdout).toContain(`runs release 1 — release ${badNumber} failed`);
  expect(releases.stdout).toMatch(/^\s+reverted: .*env CRASH removed/m);
}, 900_000);

test('the next push deploys the good config, not the failed one', async () => {
  const sha = await created.repo.commit({ 'server.js': SERVER.replace("process.env.APP_VERSION ?? null", "'v2'") }, 'a new version');
  const build = await p.build({ ...created, sha });
  await p.expectPushed(build);
  const next = await waitFor({
    timeoutMs: 300_000,
    intervalMs: 500,
    check: async () => {
      const newest = (await t.services.releases.list(app, 1))[0];
      return newest?.trigger.buildId === build.id && ['current', 'failed'].includes(newest.status) ? newest : undefined;
    },
    message: () => `no settled release of build ${build.id}`,
  });
  expect(next.status).toBe('current');
  expect(next.config.env).toEqual({ GREETING: 'hello' });
  expect(next.config.host).toBeUndefined();
  expect(next.config.volumes ?? []).toEqual([]);
  expect(await get()).toEqual({ greeting: 'hello', version: 'v2' });
}, 900_000);

async function appRecord(): Promise<App> {
  return (await t.api.inject({ method: 'GET', url: `/apps/${app}`, headers: auth })).json() as App;
}

/** GET / through the API server's service proxy: what a client of the app sees. */
async function get(): Promise<unknown> {
  return (await serviceProxyGet(kc, { namespace: app, service: app })).json;
}
