import { randomUUID } from 'node:crypto';
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { pausedCanary, saveReleases } from '../helpers/progress-release.js';

// The `slipway` CLI as a user runs it: a separate process talking to a real API, with real
// build and deploy workers, the registry, the git daemon and the control plane behind it.
const kc = testKubeConfig();
let t: TestApi;
let workers: Worker[];
let env: Record<string, string>;
const repos: PublishedRepo[] = [];
const id = randomUUID().slice(0, 6);
const dbNamespace = `db-${id}`;
const namespaces = [dbNamespace, `proc-${id}`];

beforeAll(async () => {
  t = await startTestApi();
  const logger = createLogger({ name: 'cli-test-workers', level: 'warn' });
  workers = [createBuildWorker({ services: t.services, logger }), createDeployWorker({ services: t.services, kc, logger })];
  for (const w of workers) void w.run();
  env = await cliEnv(t.api);
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await t.close();
  for (const repo of repos) await repo.cleanup();
  for (const ns of namespaces) await deleteNamespace(kc, ns);
});

async function fixture(name: string): Promise<PublishedRepo> {
  const repo = await publishFixture(name);
  repos.push(repo);
  return repo;
}

const secretValues = async (namespace: string, name: string) =>
  (await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name })).data ?? {};

test('new-app <repo>: builds, deploys, waits until ready, prints the webhook secret once', async () => {
  const repo = await fixture('dockerfile-server');
  const name = `cli-${id}`;
  namespaces.push(name);
  const run = await slipway(['new-app', `${repo.url}#main`, '--name', name, '--env', 'GREETING=hi', '--build-env', 'GREETING=built'], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`--> Creating app ${name} from ${repo.url} (main)`);
  expect(run.stdout).toMatch(/build .*-1: succeeded/);
  expect(run.stdout).toContain('release 1: current');
  expect(run.stdout).toMatch(/Webhook secret: [0-9a-f]{48}/);
  const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: name, name });
  // --env becomes the app's config vars: an immutable ConfigMap the container takes through envFrom.
  const configMap = deployment.spec!.template.spec!.containers[0]!.envFrom!.find((r) => r.configMapRef)!.configMapRef!.name!;
  expect((await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: name, name: configMap })).data).toEqual({ GREETING: 'hi' });

  const status = await slipway(['status', name], env);
  expect(status.stdout).toMatch(/Current: +release 1, .*@sha256:/);
  const releases = await slipway(['releases', name], env);
  expect(releases.stdout).toMatch(/^1 +current +api/m);
  const logs = await slipway(['logs', `${name}-1`], env);
  expect(logs.stdout).toContain('--> Pushed');
  const followed = await slipway(['logs', '-f', `${name}-1`], env);
  expect(followed.code).toBe(0);
  expect(followed.stdout).toBe(logs.stdout);
  const builds = await slipway(['builds', name], env);
  expect(builds.stdout).toMatch(new RegExp(`^${name}-1 +succeeded +[0-9a-f]{7} +docker`, 'm'));
  const apps = await slipway(['apps'], env);
  expect(apps.stdout).toMatch(new RegExp(`^${name} +${name} +main +git://`, 'm'));
  const cancel = await slipway(['cancel', `${name}-1`], env);
  expect(cancel.stderr).toContain('already succeeded (BUILD_NOT_CANCELLABLE)');
  const rotated = await slipway(['webhook-secret', name], env);
  expect(rotated.stdout).toMatch(/Webhook secret: [0-9a-f]{48}/);
  const rollback = await slipway(['rollback', name], env);
  expect(rollback.code).toBe(1);
  expect(rollback.stderr).toContain('has no earlier good release to roll back to (RELEASE_NOT_DEPLOYABLE)');

  // The release lifecycle commands.
  const envSet = await slipway(['env', 'set', name, 'GREETING=hello', 'MODE=cli'], env);
  expect(envSet.stderr).toBe('');
  expect(envSet.stdout).toMatch(/Config vars set: release 2\n.*release 2: current/s);
  expect((await slipway(['env', 'list', name], env)).stdout).toBe('GREETING=hello\nMODE=cli\n');
  const secretSet = await slipway(['secret', 'set', name, 'API_KEY=sk-live-0123456789'], env);
  expect(secretSet.code).toBe(0);
  const secretList = await slipway(['secret', 'list', name], env);
  expect(secretList.stdout).toMatch(/^API_KEY=sk\*\*\*$/m);
  expect(secretList.stdout + secretSet.stdout).not.toContain('0123456789');
  const scaled = await slipway(['scale', name, '2'], env);
  expect(scaled.stdout).toContain(`Scaled ${name} from 1 to 2 replicas`);
  expect((await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: name, name })).spec!.replicas).toBe(2);
  const restarted = await slipway(['restart', name], env);
  expect(restarted.stdout).toMatch(/release 4: current/);
  const probe = await slipway(['probe', 'set', name, '--readiness', 'http:/healthz', '--no-wait'], env);
  expect(probe.stdout).toContain('Probes set: release 5');
  const hook = await slipway(['hook', 'set', name, 'pre', '--command', 'python manage.py migrate', '--timeout', '120'], env);
  expect(hook.stdout).toContain('pre hook set');
  expect((await slipway(['settings', name], env)).stdout).toContain('"python manage.py migrate"');
  expect((await slipway(['probe', 'set', name, '--readiness', 'ftp:/x'], env)).stderr).toMatch(/--readiness takes http:\/PATH/);
  expect((await slipway(['volume', 'list', name], env)).stdout).toMatch(/^NAME +CLAIM/);

  const deleted = await slipway(['delete', name], env);
  expect(deleted.code).toBe(0);
  expect(deleted.stdout).toContain(`Deployment/${name}`);
  expect((await slipway(['status', name], env)).stderr).toContain('APP_NOT_FOUND');
});

test('new-app --template postgresql-persistent provisions, re-running changes nothing, an app links to it', async () => {
  const args = ['new-app', '--template', 'postgresql-persistent', '--namespace', dbNamespace, '-p', 'POSTGRESQL_DATABASE=shop', '--timeout', '120'];
  const first = await slipway(args, env);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/created +Secret\/postgresql/);
  expect(first.stdout).toMatch(/created +StatefulSet\/postgresql/);
  expect(first.stdout).toMatch(/ready +StatefulSet\/postgresql/);
  const secret = await secretValues(dbNamespace, 'postgresql');
  expect(Buffer.from(secret.POSTGRESQL_PASSWORD!, 'base64').toString()).toMatch(/^[a-zA-Z0-9]{16}$/);
  const claims = await kc.makeApiClient(CoreV1Api).listNamespacedPersistentVolumeClaim({ namespace: dbNamespace });
  expect(claims.items.map((c) => c.status?.phase)).toEqual(['Bound']);

  const again = await slipway(args, env);
  expect(again.code).toBe(0);
  // Secrets are write-only: the existing Secret is kept and named by its keys, its values never shown again.
  expect(again.stdout).toMatch(/kept +Secret\/postgresql \(keys: DATABASE_URL, POSTGRESQL_DATABASE, POSTGRESQL_PASSWORD, POSTGRESQL_USER\)/);
  expect(again.stdout).not.toMatch(/^ +(created|updated) +\w+\//m);
  expect(again.stdout).toContain('Password: <kept in Secret postgresql>');
  for (const value of Object.values(secret)) expect(again.stdout).not.toContain(Buffer.from(value, 'base64').toString());
  expect(await secretValues(dbNamespace, 'postgresql')).toEqual(secret);
  const claimsAgain = await kc.makeApiClient(CoreV1Api).listNamespacedPersistentVolumeClaim({ namespace: dbNamespace });
  expect(claimsAgain.items.map((c) => c.metadata!.uid)).toEqual(claims.items.map((c) => c.metadata!.uid));

  const repo = await fixture('dockerfile-server');
  const app = `linked-${id}`;
  const linked = await slipway(['new-app', repo.url, '--name', app, '--namespace', dbNamespace, '--link-db', 'postgresql'], env);
  expect(linked.code).toBe(0);
  const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: dbNamespace, name: app });
  expect(deployment.spec!.template.spec!.containers[0]!.envFrom).toEqual([{ secretRef: { name: 'postgresql' } }]);
});

test('process prints objects that apply cleanly to the cluster', async () => {
  const namespace = `proc-${id}`;
  const run = await slipway(['process', 'redis-persistent', '-p', 'DATABASE_SERVICE_NAME=cache', '-o', 'json'], env);
  expect(run.code).toBe(0);
  const list = JSON.parse(run.stdout) as { kind: string; items: KubernetesObject[] };
  expect(list.kind).toBe('List');
  expect(list.items.map((o) => o.kind).sort()).toEqual(['Secret', 'Service', 'StatefulSet']);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const item of list.items) await api.create({ ...item, metadata: { ...item.metadata, namespace } });
  const yaml = await slipway(['process', 'redis-persistent'], env);
  expect(yaml.stdout).toMatch(/^apiVersion: v1\nkind: List\nitems:/);
});

test('strategy sets each strategy; promote and abort reach the rollout in flight, and say so when there is none', async () => {
  const name = `strat-${id}`;
  await t.createApp({ name, repo: 'git://127.0.0.1:9419/none.git', branch: 'main' });
  const stored = async () => (await t.services.apps.get(name)).deploy.strategy;
  for (const [args, strategy, said] of [
    [['canary', '--steps', '10,50,100', '--pause', '2m'], { type: 'Canary', steps: [10, 50, 100], pauseSeconds: 120 }, 'Strategy Canary (steps 10% → 50% → 100%, pause 120 s, share by replica ratio)'],
    [['canary', '--gateway', 'slipway-gateway/edge'], { type: 'Canary', gatewayRef: { name: 'edge', namespace: 'slipway-gateway' } }, 'exact weights at Gateway slipway-gateway/edge'],
    [['canary', '--pause', 'manual'], { type: 'Canary', manualPromotion: true }, 'each step waits for slipway promote'],
    [['blue-green', '--manual', '--scale-down-delay', '45s'], { type: 'BlueGreen', manualPromotion: true, scaleDownDelaySeconds: 45 }, 'Strategy BlueGreen (the switch waits for slipway promote, the previous release kept 45 s after the switch)'],
    [['rolling', '--max-surge', '1'], { type: 'Rolling', maxSurge: 1 }, 'Strategy Rolling (max surge 1)'],
    [['recreate'], { type: 'Recreate' }, 'Strategy Recreate;'],
    [['auto'], undefined, 'Strategy auto'],
  ] as const) {
    const run = await slipway(['strategy', name, ...args], env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(said);
    expect(await stored()).toEqual(strategy);
  }
  // Refused before or by the API; the stored strategy stays as it was.
  expect((await slipway(['strategy', name, 'canary', '--steps', '50,10'], env)).stderr).toContain('--steps must rise');
  expect((await slipway(['strategy', name, 'canary', '--manual'], env)).stderr).toContain('--manual is for blue-green');
  const noHost = await slipway(['strategy', name, 'blue-green', '--preview-host', 'next.example.com'], env);
  expect(noHost.code).toBe(1);
  expect(noHost.stderr).toMatch(/previewHost needs the app to have a host.*\(VALIDATION_FAILED\)/);
  expect(await stored()).toBeUndefined();

  for (const command of ['promote', 'abort']) {
    const run = await slipway([command, name], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`app "${name}" has no blue-green or canary rollout in progress to ${command} (ROLLOUT_NOT_IN_PROGRESS)`);
  }

  // A canary paused at step 2 (written as the deploy job leaves it): status and releases show
  // it, and each command lands where the deploy job takes it.
  const [stable, canary] = await saveReleases({ releases: t.services.releases, app: await t.services.apps.get(name), records: [{ status: 'current' }, { status: 'deploying' }] });
  await t.services.releases.update(name, canary!.number, { progress: pausedCanary(stable!.number) });
  const n = canary!.number;
  const status = await slipway(['status', name], env);
  expect(status.stdout).toMatch(new RegExp(`^Rollout: +release ${n}: canary step 2/3: 50% of traffic on release ${n} \\(2 of 4 pods\\), paused until \\d\\d:\\d\\d:\\d\\d UTC; stable release ${stable!.number}$`, 'm'));
  expect(status.stdout).toMatch(/^ +step 1 \(10% asked, 25% by replicas\): passed — 1\/1 pods ready, 0 restarts; verification passed: GET \/ 200 ×20$/m);
  expect((await slipway(['releases', name], env)).stdout).toMatch(new RegExp(`^${n} +deploying .*\n +canary step 2/3: .*\n +step 1 \\(10% asked`, 'm'));
  for (const [args, command] of [[[], 'promote'], [['--full'], 'promote-full']] as const) {
    const run = await slipway(['promote', name, ...args, '--no-wait'], env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`--> release ${n}: ${command === 'promote' ? 'promote' : 'promote to 100%'} sent; canary step 2/3: 50% of traffic`);
    expect(await t.services.releases.takeCommand(name, n)).toBe(command);
  }
  const abort = await slipway(['abort', name, '--no-wait'], env);
  expect(abort.stdout).toContain(`--> release ${n}: abort sent; canary step 2/3`);
  expect(await t.services.releases.takeCommand(name, n)).toBe('abort');

  // Waiting: the CLI follows the release until the deploy job took the command. Here the test
  // takes it and records what the job would (its own record writes are progressive-*.test.ts's).
  const taking = async (command: string) => {
    const deadline = Date.now() + 30_000;
    while ((await t.services.releases.takeCommand(name, n)) !== command) {
      if (Date.now() > deadline) throw new Error(`no ${command} reached release ${n} in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const promoting = slipway(['promote', name], env);
  await taking('promote');
  const paused = pausedCanary(stable!.number);
  await t.services.releases.update(name, n, { progress: { ...paused, phase: 'analysing', step: 3, events: [...paused.events, { at: new Date().toISOString(), message: 'step 2: promoted by a user' }] } });
  const promoted = await promoting;
  expect(promoted.stderr).toBe('');
  expect(promoted.stdout).toMatch(new RegExp(`^    now canary step 3/3: 100% asked, analysing; 50% of traffic on release ${n} `, 'm'));
  const aborting = slipway(['abort', name], env);
  await taking('abort');
  await t.services.releases.update(name, n, {
    status: 'failed',
    progress: { ...paused, phase: 'aborted', share: 0 },
    failure: { reason: 'Aborted', message: 'aborted by a user', pods: [], detectedAt: new Date().toISOString() },
    rolledBackTo: { number: stable!.number, ready: true, message: 'serving again', settledAt: new Date().toISOString() },
  });
  const aborted = await aborting;
  expect(aborted.stderr).toBe('');
  expect(aborted.stdout).toContain(`    release ${n} failed (Aborted); release ${stable!.number} serves again; canary aborted at step 2 (Aborted): all traffic back on release ${stable!.number}`);

  // rollback in a blue-green scale-down window is an abort of the release that was switched to.
  await t.services.releases.update(name, n, { status: 'current', progress: { ...pausedCanary(stable!.number), strategy: 'BlueGreen', phase: 'scaling-down', step: 1, steps: [100], share: 100 } });
  await t.services.releases.setCurrent(name, n);
  const back = await slipway(['rollback', name, '--no-wait'], env);
  expect(back.stderr).toBe('');
  expect(back.stdout).toContain(`--> Release ${n} is in its blue-green scale-down window: aborted, switching back to release ${stable!.number}`);
  expect(await t.services.releases.takeCommand(name, n)).toBe('abort');
});

test.each([
  ['no token', ['apps'], { SLIPWAY_TOKEN: '' }, /no API token/],
  ['wrong token', ['apps'], { SLIPWAY_TOKEN: 'not-the-token-at-all' }, /AUTH_INVALID/],
  ['API not running', ['apps'], { SLIPWAY_URL: 'http://127.0.0.1:9' }, /cannot reach Slipway at http:\/\/127.0.0.1:9/],
  ['unknown template', ['new-app', '--template', 'nope'], {}, /no built-in template "nope" \(TEMPLATE_NOT_FOUND\)/],
  ['unknown parameter', ['process', 'redis-persistent', '-p', 'NOPE=1'], {}, /NOPE.*TEMPLATE_PARAMETER_UNKNOWN/],
  ['bad -p', ['process', 'redis-persistent', '-p', 'oops'], {}, /-p takes KEY=VALUE/],
  ['no repo', ['new-app'], {}, /needs a repository URL/],
  ['a file:// repo', ['new-app', 'file:///etc', '--name', 'x'], {}, /REPO_URL_INVALID/],
  // Names are one encoded path segment: this asks for the app named exactly that, never app "x" with its volumes.
  ['a name that looks like a query', ['delete', 'x?volumes=delete'], {}, /VALIDATION_FAILED|APP_NOT_FOUND/],
  ['a name that is a path', ['status', '..'], {}, /"\.\." is not a name/],
])('%s → a message and exit 1', async (_name, args, extra, message) => {
  const run = await slipway(args, { ...env, ...extra });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(message);
});
