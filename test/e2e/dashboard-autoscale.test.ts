import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth, TEST_TOKEN } from '../helpers/config.js';
import { settledRelease } from '../helpers/releases.js';

// The app page's autoscaling line, in headless Chromium against a real API and the kwok control
// plane (as test/e2e/dashboard.test.ts): kwok's pods have no metrics, so the HPA says why it
// cannot scale, and the page says it too. The HPA really scaling is real-node-autoscale.
const kc = testKubeConfig();
const app = `dash-hpa-${randomUUID().slice(0, 6)}`;
let t: TestApi;
let worker: Worker;
let profile: string;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  t = await startTestApi();
  worker = createDeployWorker({ services: t.services, kc, logger: createLogger({ name: 'dashboard-autoscale-worker', level: 'warn' }) });
  void worker.run();
  await t.createApp({ name: app, repo: 'git://127.0.0.1:9419/none.git', deploy: { podAnnotations: { 'slipway.test/behaviour': 'ready' }, readinessDeadlineSeconds: 90 } });
  profile = await mkdtemp(path.join(os.tmpdir(), 'slipway-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(120_000);
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await worker?.close();
  await t?.close();
  await deleteNamespace(kc, app);
});

test('the app page shows the autoscaler beside the health: its range and target, the pods it has and wants, and why it cannot scale', async () => {
  const image = `127.0.0.1:5000/${app}@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
  const first = await t.api.inject({ method: 'POST', url: `/apps/${app}/releases`, headers: auth, payload: { image } });
  expect(first.statusCode).toBe(202);
  expect((await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 150_000 })).status).toBe('current');
  const set = await t.api.inject({ method: 'PUT', url: `/apps/${app}/autoscale`, headers: auth, payload: { autoscale: { minReplicas: 1, maxReplicas: 3, cpuPercent: 50 } } });
  const number = (set.json() as { release: Release }).release.number;
  expect((await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 150_000 })).status).toBe('current');

  const base = await t.api.listen({ host: '127.0.0.1', port: 0 });
  await page.goto(`${base}/ui/`);
  await page.getByLabel('API token').fill(TEST_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
  await page.goto(`${base}/ui/apps/${app}`);
  const line = page.locator('#autoscale-summary');
  // The page refreshes every 3 s: it follows the HPA's first sync (about 15 s).
  await line.filter({ hasText: /^1–3 pods at CPU 50% of requests; now 1 \(wants \d\)/ }).filter({ hasText: /FailedGetResourceMetric|FailedComputeMetricsReplicas/ }).waitFor();
  expect(await page.locator('dl.facts').innerText()).toMatch(/Autoscaling\s+1–3 pods at CPU 50% of requests/);
}, 400_000);
