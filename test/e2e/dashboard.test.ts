import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import { packageRoot } from '../../src/paths.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth, TEST_TOKEN } from '../helpers/config.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { pausedCanary, saveReleases } from '../helpers/progress-release.js';
import { settledRelease } from '../helpers/releases.js';

// The dashboard as a person uses it: headless Chromium (Debian's, driven by playwright-core)
// against a real API on 127.0.0.1 with real build and deploy workers, the registry, the git
// daemon and the kwok control plane behind it. Each page is saved under test-artifacts/dashboard/.
const kc = testKubeConfig();
const id = randomUUID().slice(0, 6);
const appName = `dash-${id}`;
const dbNamespace = `dashdb-${id}`;
const shots = path.join(packageRoot(), 'test-artifacts', 'dashboard');
const WAIT = { timeout: 180_000 };

let t: TestApi;
let workers: Worker[];
let repo: PublishedRepo;
let base: string;
let profile: string;
let context: BrowserContext;
let page: Page;

const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
const text = (selector: string) => page.locator(selector).innerText();
const settled = (number: number) => settledRelease({ releases: t.services.releases, app: appName, number, timeoutMs: 180_000 });
const fakeDigest = () => `127.0.0.1:5000/${appName}@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  t = await startTestApi();
  const logger = createLogger({ name: 'dashboard-test-workers', level: 'warn' });
  workers = [createBuildWorker({ services: t.services, logger }), createDeployWorker({ services: t.services, kc, logger })];
  for (const w of workers) void w.run();
  base = await t.api.listen({ host: '127.0.0.1', port: 0 });

  // A slow build (a fresh RUN_ID, so docker cannot reuse the sleeping layer) whose log grows
  // while the page watches; kwok makes its pods ready.
  repo = await publishFixture('slow-build');
  await t.createApp({
    name: appName,
    repo: repo.url,
    branch: repo.branch,
    buildArgs: { RUN_ID: randomUUID(), SLEEP: '10' },
    deploy: { autoDeploy: true, env: { MODE: 'v1' }, podAnnotations: { 'slipway.test/behaviour': 'ready' }, readinessDeadlineSeconds: 90 },
  });
  const provision = await t.api.inject({
    method: 'POST',
    url: '/templates/provision',
    headers: auth,
    payload: { template: 'redis-persistent', namespace: dbNamespace, waitSeconds: 120 },
  });
  expect(provision.statusCode).toBe(200);
  expect(provision.json().waited).toEqual([expect.objectContaining({ kind: 'StatefulSet', name: 'redis', state: 'ready' })]);

  profile = await mkdtemp(path.join(os.tmpdir(), 'slipway-chromium-'));
  // A persistent context on a fresh, empty profile; the flags keep Chromium off the network
  // (this machine refuses outside connections) and need no sandbox as root.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(WAIT.timeout);
}, 300_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  for (const w of workers ?? []) await w.close();
  // The images the builds left in the shared engine.
  for (const build of t ? await t.services.builds.listForApp(appName) : []) {
    for (const tag of build.image?.tags ?? []) await t.services.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  }
  await t?.close();
  await repo?.cleanup();
  await deleteNamespace(kc, appName);
  await deleteNamespace(kc, dbNamespace);
});

test('sign in: a wrong token gets a clear message, the right one opens the apps list', async () => {
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/ui/');
  await page.getByLabel('API token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'That token was not accepted' }).waitFor();
  expect(await alert.innerText()).toContain('AUTH_INVALID');
  expect(await page.evaluate(() => sessionStorage.getItem('slipway.token'))).toBeNull();
  await shot('sign-in');

  await page.getByLabel('API token').fill(TEST_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
  await page.locator(`tr[data-app="${appName}"]`).filter({ hasText: 'not-deployed' }).waitFor();
  expect(await text(`tr[data-app="${appName}"]`)).toContain(repo.url);
}, 300_000);

test("a build's log grows live on its page, without a reload", async () => {
  await page.getByRole('link', { name: appName, exact: true }).click();
  await page.getByRole('heading', { name: appName, level: 1 }).waitFor();
  // Set on this document: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { liveMarker: string }).liveMarker = 'same-document'));
  await page.getByRole('button', { name: 'Start a build' }).click();
  await page.waitForURL(/\/ui\/builds\/dash-.+-1$/);
  const buildId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

  const log = page.getByRole('log', { name: 'Build log' });
  // Whole lines: the RUN command echoed by docker mentions both phrases too.
  const starts = /^long step starts$/m;
  const done = /^long step done$/m;
  await log.filter({ hasText: starts }).waitFor();
  // The sleeping step has printed its first line and not yet its last: the page shows the log
  // as it is written, not once the build is over.
  const early = await log.innerText();
  expect(early).toMatch(starts);
  expect(early).not.toMatch(done);
  await shot('build-live');

  await log.filter({ hasText: done }).waitFor();
  await page.locator('#log-status').filter({ hasText: 'The build ended: succeeded' }).waitFor();
  await page.locator('#build-state').filter({ hasText: 'succeeded' }).waitFor();
  const full = await log.innerText();
  expect(full.startsWith(early.trimEnd())).toBe(true);
  expect(full).toContain('--> Pushed');
  // Every stored line exactly once: no line lost or repeated by the stream.
  const stored = (await t.services.logs.read(buildId)).map((e) => e.line);
  const lines = (s: string) => s.trimEnd().split('\n').map((l) => l.trimEnd());
  expect(lines(full)).toEqual(lines(stored.join('\n')));
  expect(await page.evaluate(() => (window as unknown as { liveMarker?: string }).liveMarker)).toBe('same-document');
  await shot('build');
}, 400_000);

test('the app page shows the current release and its health from the cluster', async () => {
  // The build deployed itself as release 1; release 2 changes the image and a config var.
  expect((await settled(1)).status).toBe('current');
  const res = await t.api.inject({ method: 'POST', url: `/apps/${appName}/releases`, headers: auth, payload: { image: fakeDigest(), deploy: { env: { MODE: 'v2' } } } });
  expect(res.statusCode).toBe(202);
  expect((await settled(2)).status).toBe('current');

  await page.getByRole('link', { name: appName, exact: true }).first().click();
  await page.getByRole('heading', { name: appName, level: 1 }).waitFor();
  const facts = page.locator('dl.facts');
  await facts.filter({ hasText: /Current release\s*#2 current/ }).filter({ hasText: 'healthy 1/1 ready' }).waitFor();
  await page.getByRole('table', { name: 'Pods' }).filter({ hasText: '#2' }).waitFor();
  const builds = page.getByRole('table', { name: 'Builds' });
  expect(await builds.innerText()).toMatch(/#1\s+succeeded\s+[0-9a-f]{7}\s+docker/);
  // docs/dashboard.png (the README's picture) is a copy of this screenshot.
  await shot('app');
}, 400_000);

test('releases show what changed; a confirmed rollback adds a release and the list follows it', async () => {
  await page.getByRole('link', { name: 'Releases' }).click();
  const second = page.locator('li[data-release="2"]');
  await second.waitFor();
  const diff = await second.getByRole('table', { name: 'Changes since release #1' }).innerText();
  expect(diff).toMatch(/image\s+127\.0\.0\.1:5000\/dash-.+@sha256:[0-9a-f]{64}\s+127\.0\.0\.1:5000\/dash-.+@sha256:/);
  expect(diff).toMatch(/config\.env\.MODE\s+v1\s+v2/);
  expect(await page.locator('li[data-release="1"]').innerText()).toContain('The first release.');

  // Cancelling the confirmation changes nothing.
  await page.getByRole('button', { name: 'Roll back to #1' }).click();
  const dialog = page.getByRole('dialog', { name: `Roll back ${appName} to release #1?` });
  await dialog.waitFor();
  await shot('rollback-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect((await t.services.releases.list(appName)).length).toBe(2);
  await shot('releases');

  await page.getByRole('button', { name: 'Roll back to #1' }).click();
  await dialog.getByRole('button', { name: 'Roll back' }).click();
  await page.locator('#release-status').filter({ hasText: 'Release #3 created: a rollback to #1' }).waitFor();
  // The list shows release 3 at once and follows it until it is current, without a reload.
  const third = page.locator('li[data-release="3"]');
  await third.filter({ hasText: 'rollback to #1' }).waitFor();
  await third.locator('.badge').filter({ hasText: /^current$/ }).waitFor();
  await page.locator('li[data-release="2"] .badge').filter({ hasText: /^rolled-back$/ }).waitFor();
  expect(await third.getByRole('table', { name: 'Changes since release #2' }).innerText()).toMatch(/config\.env\.MODE\s+v2\s+v1/);

  const history = (await t.api.inject({ url: `/apps/${appName}/releases`, headers: auth })).json() as { current: number; releases: Release[] };
  expect(history.current).toBe(3);
  const [three, , one] = history.releases;
  expect(three!.trigger).toEqual({ kind: 'rollback', rollbackOf: 1 });
  expect(three!.image).toBe(one!.image);
  await shot('releases-after-rollback');
}, 400_000);

test('databases lists what a template provisioned, with Secret keys but never their values', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Databases' }).click();
  const row = page.locator(`tr[data-database="${dbNamespace}/redis"]`);
  await row.waitFor();
  const cells = await row.innerText();
  expect(cells).toContain('redis-persistent');
  expect(cells).toContain('1/1 ready');
  expect(cells).toMatch(/REDIS_PASSWORD, REDIS_URL/);
  expect(cells).toContain('redis:6379');
  expect(cells).toMatch(/data-redis-0\s+1Gi Bound/);
  const { databases } = (await t.api.inject({ url: '/databases', headers: auth })).json() as { databases: Array<{ namespace: string; name: string }> };
  expect(databases).toContainEqual(expect.objectContaining({ namespace: dbNamespace, name: 'redis' }));
  expect(JSON.stringify(databases)).not.toMatch(/redis:\/\/:/);
  await shot('databases');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Apps' }).click();
  await page.locator(`tr[data-app="${appName}"]`).filter({ hasText: '#3' }).filter({ hasText: 'healthy 1/1 ready' }).waitFor();
  await shot('apps');
}, 300_000);

test('a canary in flight shows its step, share, pods and analyses; Promote and Abort reach the deploy job', async () => {
  // The records a paused canary leaves (the rollout itself is test/e2e/progressive-*.test.ts's):
  // the page reads and commands it as it would a real one.
  const name = `dashpg-${id}`;
  await t.createApp({ name, repo: repo.url, branch: repo.branch });
  const [stable, canary] = await saveReleases({ releases: t.services.releases, app: await t.services.apps.get(name), records: [{ status: 'current' }, { status: 'deploying' }] });
  await t.services.releases.update(name, canary!.number, { progress: pausedCanary(stable!.number) });
  const n = canary!.number;

  await page.goto(`${base}/ui/apps/${name}`);
  await page.locator('#rollout-summary').filter({ hasText: `#${n}: canary step 2/3: 50% of traffic on release ${n} (2 of 4 pods)` }).waitFor();
  await page.getByRole('link', { name: 'Releases' }).click();
  const panel = page.getByRole('region', { name: `Rollout of release #${n}` });
  await panel.waitFor();
  const shown = await panel.innerText();
  expect(shown).toMatch(/Canary rollout\s+paused\s+step 2 of 3: 10% → 50% → 100%/);
  expect(shown).toContain(`pods: #${n} 2, #${stable!.number} 2`);
  expect(await panel.getByRole('meter', { name: `Traffic on #${n}: 50%` }).getAttribute('value')).toBe('50');
  expect(await panel.getByRole('list', { name: `Analyses of release #${n}` }).innerText()).toBe('step 1 (10% asked, 25% by replicas): passed — 1/1 pods ready, 0 restarts; verification passed: GET / 200 ×20');
  // Only the release in flight offers the commands.
  expect(await page.getByRole('region', { name: `Rollout of release #${stable!.number}` }).count()).toBe(0);
  await shot('rollout');

  await panel.getByRole('button', { name: 'Promote', exact: true }).click();
  await page.locator('#release-status').filter({ hasText: `Promote sent to release #${n}` }).waitFor();
  expect(await t.services.releases.takeCommand(name, n)).toBe('promote');
  await panel.getByRole('button', { name: 'Promote to 100%' }).click();
  await page.locator('#release-status').filter({ hasText: `Promote to 100% sent to release #${n}` }).waitFor();
  expect(await t.services.releases.takeCommand(name, n)).toBe('promote-full');

  // Abort asks first; cancelling sends nothing.
  const dialog = page.getByRole('dialog', { name: `Abort the rollout of release #${n}?` });
  await panel.getByRole('button', { name: 'Abort' }).click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await t.services.releases.takeCommand(name, n)).toBeUndefined();
  await panel.getByRole('button', { name: 'Abort' }).click();
  await dialog.getByRole('button', { name: 'Abort' }).click();
  await page.locator('#release-status').filter({ hasText: `Abort sent to release #${n}` }).waitFor();
  expect(await t.services.releases.takeCommand(name, n)).toBe('abort');

  // Once the rollout ended, the panel says how and offers nothing.
  await t.services.releases.update(name, n, { status: 'failed', progress: { ...pausedCanary(stable!.number), phase: 'aborted', share: 0 }, failure: { reason: 'Aborted', message: 'aborted by a user', pods: [], detectedAt: new Date().toISOString() } });
  await page.reload();
  await panel.filter({ hasText: `canary aborted at step 2 (Aborted): all traffic back on release ${stable!.number}` }).waitFor();
  expect(await panel.getByRole('button').count()).toBe(0);
}, 120_000);

test('sign out clears the token; pages ask for it again', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('alert').filter({ hasText: 'Signed out.' }).waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('slipway.token'))).toBeNull();
  await page.goto(`${base}/ui/apps/${appName}`);
  await page.getByLabel('API token').waitFor();
  expect(await page.getByRole('navigation', { name: 'Main' }).isHidden()).toBe(true);
}, 120_000);
