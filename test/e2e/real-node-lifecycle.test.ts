import type { Worker } from 'bullmq';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { serviceProxyGet, startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';

// The release lifecycle with real containers on the real node (test/env/node): hooks are Jobs
// whose commands really run from the release's image (their log and exit code are the
// process's own), a volume is a real mount whose data outlives the pod, and config vars and
// secrets reach the process through envFrom. test/e2e/hooks.test.ts and lifecycle.test.ts
// cover the same rules on kwok, where outcomes are scripted by annotations.

const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let app: string;
let realNode: string;

// GET /env/NAME → that env var; GET /count → a counter kept in /data/count (the volume).
const SERVER = `const http = require('http');
const fs = require('fs');
const port = Number(process.env.PORT || 8080);
// Stops at once when Kubernetes asks (SIGTERM), as a server should: PID 1 has no default handler.
process.on('SIGTERM', () => process.exit(0));
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url.startsWith('/env/')) return res.end(JSON.stringify({ value: process.env[req.url.slice(5)] ?? null }));
    if (req.url === '/count') {
      const file = '/data/count';
      const count = (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0) + 1;
      fs.writeFileSync(file, String(count));
      return res.end(JSON.stringify({ count, pid: process.pid, host: require('os').hostname() }));
    }
    res.end(JSON.stringify({ ok: true, path: req.url }));
  })
  .listen(port);
`;

// The migration a pre hook runs: prints, then fails with exit 3 when MIGRATION_FAILS is set.
const MIGRATE = ['sh', '-c', 'echo "migrating schema on $(hostname)"; if [ -n "$MIGRATION_FAILS" ]; then echo "migration failed: column exists" >&2; exit 3; fi; echo migrated'];

beforeAll(async () => {
  ({ t, node: realNode, workers } = await startRealNodeApi(kc, { name: 'real-node-lifecycle-workers' }));
  const created = await p.newApp('node-server', { deploy: { autoDeploy: true, readinessDeadlineSeconds: 120, hooks: { pre: { command: MIGRATE, timeoutSeconds: 120 } } } });
  app = created.name;
  const sha = await created.repo.commit({ 'server.js': SERVER }, 'env and a counter on the volume');
  await p.expectPushed(await p.build({ ...created, sha }));
}, 600_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] }), 600_000);

test('the pre hook really runs from the release image on the real node: its own log and exit code are kept', async () => {
  const first = await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 300_000 });
  expect(first).toMatchObject({ status: 'current', hooks: { pre: { state: 'succeeded', exitCode: 0 } } });
  expect(first.hooks!.pre!.log).toMatch(/migrating schema on .*\nmigrated/);
  const hookPod = await core.readNamespacedPod({ namespace: app, name: first.hooks!.pre!.pod! });
  expect(hookPod.spec!.nodeName).toBe(realNode);
}, 600_000);

test('a pre hook that exits 3 fails the release before anything is rolled out, quoting its stderr', async () => {
  const bad = await release({ deploy: { env: { MIGRATION_FAILS: '1' } } });
  expect(bad).toMatchObject({ status: 'failed', failure: { reason: 'PreHookFailed' }, hooks: { pre: { state: 'failed', exitCode: 3 } } });
  expect(bad.hooks!.pre!.log).toContain('migration failed: column exists');
  expect(bad.rolledBackTo).toBeUndefined();
  expect(await get('/env/MIGRATION_FAILS')).toEqual({ value: null });
}, 600_000);

test('config vars and secrets reach the real process through envFrom', async () => {
  const env = await t.api.inject({ method: 'PATCH', url: `/apps/${app}/env`, headers: auth, payload: { set: { GREETING: 'hello from env' }, unset: ['MIGRATION_FAILS'] } });
  expect(env.statusCode).toBe(200);
  await settle((env.json() as { release: Release }).release.number);
  const secret = await t.api.inject({ method: 'PATCH', url: `/apps/${app}/secrets`, headers: auth, payload: { set: { API_KEY: 's3cr3t-value' } } });
  expect(secret.statusCode).toBe(200);
  await settle((secret.json() as { release: Release }).release.number);
  expect(await get('/env/GREETING')).toEqual({ value: 'hello from env' });
  expect(await get('/env/API_KEY')).toEqual({ value: 's3cr3t-value' });
}, 600_000);

test('a volume is a real mount: what the app wrote survives a restart onto a new pod', async () => {
  const added = await t.api.inject({ method: 'POST', url: `/apps/${app}/volumes`, headers: auth, payload: { size: '1Gi', mountPath: '/data' } });
  expect(added.statusCode).toBe(201);
  await settle((added.json() as { release: Release }).release.number);
  const first = (await get('/count')) as { count: number; host: string };
  const second = (await get('/count')) as { count: number; host: string };
  expect(second.count).toBe(first.count + 1);

  const restart = await t.api.inject({ method: 'POST', url: `/apps/${app}/restart`, headers: auth });
  expect(restart.statusCode).toBe(202);
  await settle((restart.json() as { number: number }).number);
  const after = (await get('/count')) as { count: number; host: string };
  expect(after.host).not.toBe(second.host);
  expect(after.count).toBe(second.count + 1);
}, 600_000);

test('a post hook that fails with onFailure rollback undoes a release that was ready', async () => {
  const before = (await t.services.releases.current(app))!;
  const bad = await release({ deploy: { hooks: { pre: { command: MIGRATE, timeoutSeconds: 120 }, post: { command: ['sh', '-c', 'echo "smoke test: 0 of 3 pages ok" >&2; exit 4'], timeoutSeconds: 120, onFailure: 'rollback' } } } });
  expect(bad).toMatchObject({ status: 'failed', failure: { reason: 'PostHookFailed' }, hooks: { post: { state: 'failed', exitCode: 4 } }, rolledBackTo: { number: before.number, ready: true } });
  expect(bad.hooks!.post!.log).toContain('smoke test: 0 of 3 pages ok');
}, 600_000);

async function release(payload: Record<string, unknown>): Promise<Release> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/releases`, headers: auth, payload });
  if (res.statusCode !== 202) throw new Error(`release of ${app} answered ${res.statusCode}: ${res.body}`);
  return settledRelease({ releases: t.services.releases, app, number: (res.json() as Release).number, timeoutMs: 300_000 });
}

async function settle(number: number): Promise<Release> {
  const settled = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
  if (settled.status !== 'current') throw new Error(`release ${number} of ${app} is ${settled.status}: ${JSON.stringify(settled.failure)}`);
  return settled;
}

/** GET through the API server's service proxy: what a client of the app sees. */
async function get(path: string): Promise<unknown> {
  return (await serviceProxyGet(kc, { namespace: app, service: app, path })).json;
}
