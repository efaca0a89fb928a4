import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { LABELS } from '../../src/releases/render/labels.js';
import type { Progress, Release } from '../../src/store/types.js';
import { deployHarness, type DeployHarness } from '../helpers/deploy-harness.js';
import { waitFor } from '../helpers/wait.js';

// Issue 18 on kwok (what needs no real traffic): the blue-green scale-down window and
// `slipway rollback` in it, a newer release while a canary is paused, and `slipway scale`
// during a canary. The real-node suite (progressive-delivery.test.ts) covers traffic.

let h: DeployHarness;
beforeAll(async () => {
  h = await deployHarness('progressive');
}, 60_000);
afterAll(async () => h?.close(), 300_000);

test('slipway rollback within the blue-green scale-down delay switches straight back, with no new release', async () => {
  const app = await h.newApp({ replicas: 2, strategy: { type: 'BlueGreen', scaleDownDelaySeconds: 300 } });
  expect(await h.settled(app, await h.release(app, { image: h.digest() }))).toMatchObject({ status: 'current' });
  const second = await h.release(app, { image: h.digest() });
  const switched = await phase(app, second, 'scaling-down');
  expect(switched.status).toBe('current');
  expect((await service(app)).spec!.selector![LABELS.release]).toBe(String(second));

  const res = await h.api<Release>('POST', `/apps/${app}/rollback`, {});
  expect(res.status).toBe(202);
  expect(res.body.number).toBe(second);
  const aborted = await h.settledFailed(app, second);
  expect(aborted).toMatchObject({ failure: { reason: 'Aborted' }, rolledBackTo: { number: 1, ready: true }, progress: { phase: 'aborted' } });
  expect((await h.t.services.releases.current(app))!).toMatchObject({ number: 1, status: 'current' });
  expect((await h.t.services.releases.list(app)).map((r) => r.number)).toEqual([second, 1]);
  expect((await service(app)).spec!.selector![LABELS.release]).toBe('1');
  // Release 1 never stopped running: its side kept its pods; release 2's side is gone.
  expect((await apps().readNamespacedDeployment({ namespace: app, name: `${app}-r1` })).spec!.replicas).toBe(2);
  expect(aborted.rolledBackTo!.pruned).toEqual(expect.arrayContaining([`Deployment ${app}-r${second}`]));
}, 300_000);

test('a newer release while a canary is paused takes over: the paused one ends Interrupted, the newer one starts from the stable release', async () => {
  const app = await h.newApp({ replicas: 2, strategy: { type: 'Canary', steps: [50, 100], manualPromotion: true } });
  expect(await h.settled(app, await h.release(app, { image: h.digest() }))).toMatchObject({ status: 'current' });
  const paused = await h.release(app, { image: h.digest() });
  await phase(app, paused, 'awaiting-promotion');
  const newer = await h.release(app, { image: h.digest() });
  const interrupted = await h.settledFailed(app, paused);
  expect(interrupted.failure).toMatchObject({ reason: 'Interrupted', message: expect.stringMatching(new RegExp(`release ${newer} was queued at canary step 1`)) });
  const held = await phase(app, newer, 'awaiting-promotion');
  expect(held.progress).toMatchObject({ stable: 1, step: 1, replicas: { release: 1, stable: 1 } });
  const res = await h.api<Release>('POST', `/apps/${app}/promote`, { full: true });
  expect(res.status).toBe(202);
  const current = await h.settled(app, newer);
  expect(current).toMatchObject({ status: 'current', progress: { share: 100, replicas: { release: 2, stable: 0 } } });
  expect(current.progress!.events.map((e) => e.message)).toContain('promoted by a user to the last step');
}, 300_000);

test('scale during a canary pause divides the new scale between the two sides in the same proportion', async () => {
  const app = await h.newApp({ replicas: 4, strategy: { type: 'Canary', steps: [25, 100], manualPromotion: true } });
  expect(await h.settled(app, await h.release(app, { image: h.digest() }))).toMatchObject({ status: 'current' });
  const canary = await h.release(app, { image: h.digest() });
  expect((await phase(app, canary, 'awaiting-promotion')).progress!.replicas).toEqual({ release: 1, stable: 3 });
  expect((await h.api('POST', `/apps/${app}/scale`, { replicas: 8 })).status).toBe(200);
  await waitFor({
    timeoutMs: 60_000,
    intervalMs: 300,
    check: async () => {
      const [side, stable] = await Promise.all([replicas(app, `${app}-r${canary}`), replicas(app, `${app}-r1`)]);
      return side === 2 && stable === 6 ? true : undefined;
    },
    message: () => 'the sides were not re-divided to 2 canary and 6 stable pods',
  });
  expect((await h.t.services.releases.get(app, canary)).progress).toMatchObject({ share: 25, replicas: { release: 2, stable: 6 } });
  expect((await h.api('POST', `/apps/${app}/abort`)).status).toBe(202);
  expect(await h.settledFailed(app, canary)).toMatchObject({ failure: { reason: 'Aborted' } });
  await waitFor({ timeoutMs: 60_000, intervalMs: 300, check: async () => ((await replicas(app, `${app}-r1`)) === 8 ? true : undefined), message: () => 'the stable side did not get the whole scale back' });
}, 300_000);

test('a deploy worker closing while a canary waits for promote hands the rollout back; the next worker resumes it at its step', async () => {
  const app = await h.newApp({ replicas: 2, strategy: { type: 'Canary', steps: [50, 100], manualPromotion: true } });
  expect(await h.settled(app, await h.release(app, { image: h.digest() }))).toMatchObject({ status: 'current' });
  const canary = await h.release(app, { image: h.digest() });
  await phase(app, canary, 'awaiting-promotion');
  // BullMQ's close waits for the jobs in hand: it returns because the hold hands the job back.
  await h.restartWorker();
  const resumed = await phase(app, canary, 'awaiting-promotion', (r) => r.progress!.events.some((e) => e.message === 'resumed at step 1'));
  expect(resumed).toMatchObject({ status: 'deploying', progress: { step: 1, replicas: { release: 1, stable: 1 } } });
  expect(resumed.progress!.events.map((e) => e.message)).toContain('resumed at step 1');
  expect((await h.api('POST', `/apps/${app}/promote`)).status).toBe(202);
  expect(await h.settled(app, canary)).toMatchObject({ status: 'current', progress: { share: 100 } });
}, 300_000);

test('hooks run once per release, not per step: pre before the first step, post after the promotion', async () => {
  const app = await h.newApp({ replicas: 2, strategy: { type: 'Canary', steps: [25, 50, 75, 100], pauseSeconds: 0 } });
  expect(await h.settled(app, await h.release(app, { image: h.digest() }))).toMatchObject({ status: 'current' });
  const hook = { command: ['sh', '-c', 'true'], timeoutSeconds: 60, podAnnotations: { 'slipway.test/complete-after': '1s' } };
  expect((await h.api('PUT', `/apps/${app}/hooks`, { hooks: { pre: hook, post: hook } })).status).toBe(200);
  const canary = await h.release(app, { image: h.digest() });
  const done = await h.settled(app, canary);
  expect(done).toMatchObject({ status: 'current', hooks: { pre: { state: 'succeeded' }, post: { state: 'succeeded' } } });
  expect(done.progress!.analyses).toHaveLength(4);
  const jobs = await h.kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: app });
  expect(jobs.items.map((j) => j.metadata!.name).sort()).toEqual([done.hooks!.post!.job, done.hooks!.pre!.job].sort());
  // The pre hook finished before the first step began; the post hook started after the promotion
  // (a Job's times are whole seconds).
  const second = (at: string) => Math.floor(Date.parse(at) / 1000);
  const promoted = done.progress!.events.find((e) => e.message.startsWith('promoted'))!;
  expect(second(done.hooks!.pre!.finishedAt!)).toBeLessThanOrEqual(second(done.progress!.analyses[0]!.startedAt));
  expect(second(done.hooks!.post!.startedAt)).toBeGreaterThanOrEqual(second(promoted.at));
}, 300_000);

const apps = () => h.kc.makeApiClient(AppsV1Api);
const service = (app: string) => h.kc.makeApiClient(CoreV1Api).readNamespacedService({ namespace: app, name: app });
const replicas = async (namespace: string, name: string) => (await apps().readNamespacedDeployment({ namespace, name })).spec!.replicas;

async function phase(app: string, number: number, wanted: Progress['phase'], also: (release: Release) => boolean = () => true): Promise<Release> {
  let last: Release | undefined;
  return waitFor({
    timeoutMs: 120_000,
    intervalMs: 200,
    check: async () => {
      last = await h.t.services.releases.find(app, number);
      if (last?.status === 'failed') throw new Error(`release ${number} failed: ${last.failure?.message}`);
      return last?.progress?.phase === wanted && also(last) ? last : undefined;
    },
    message: () => `release ${number} is ${last?.status} in phase ${last?.progress?.phase}`,
  });
}
