import { AppsV1Api, BatchV1Api } from '@kubernetes/client-node';
import type { Release } from '../../src/store/types.js';
import { liveTemplate } from '../helpers/cluster.js';
import { deployHarness, type DeployHarness } from '../helpers/deploy-harness.js';

// Deployment hooks as Jobs on the real control plane; kwok finishes Job pods as their pod
// annotations say (test/env/k8s/stages/pod-complete.yaml): job-fail + exit-code, complete-after,
// never-ready (a hook that never ends). The annotations are the hooks' podAnnotations, an app setting.
let h: DeployHarness;

beforeAll(async () => {
  h = await deployHarness('hk');
});

afterAll(async () => {
  await h.close();
});

const migrate = (podAnnotations: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  command: ['sh', '-c', 'python manage.py migrate'],
  timeoutSeconds: 60,
  podAnnotations,
  ...extra,
});

async function setHooks(app: string, hooks: Record<string, unknown> | null) {
  const res = await h.api<{ release: Release | null }>('PUT', `/apps/${app}/hooks`, { hooks });
  expect(res.status).toBe(200);
  expect(res.body.release).toBeNull(); // hooks take effect from the next release
}

async function replicaSets(app: string) {
  return (await h.kc.makeApiClient(AppsV1Api).listNamespacedReplicaSet({ namespace: app, labelSelector: `app.kubernetes.io/name=${app}` })).items;
}

describe('pre hook', () => {
  let app: string;
  let first: Release;

  beforeAll(async () => {
    app = await h.newApp({ replicas: 2 });
    first = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(first.status).toBe('current');
  });

  test('a pre hook that exits non-zero fails the release before anything is rolled out', async () => {
    await setHooks(app, { pre: migrate({ 'slipway.test/behaviour': 'job-fail', 'slipway.test/exit-code': '3' }) });
    const before = await h.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: app, name: app });
    const bad = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(bad.status).toBe('failed');
    expect(bad.failure!.reason).toBe('PreHookFailed');
    expect(bad.failure!.message).toContain(`release ${first.number} keeps serving`);
    expect(bad.hooks!.pre).toMatchObject({ phase: 'pre', job: `${app}-pre-${bad.number}`, state: 'failed', reason: 'Error', exitCode: 3 });
    expect(bad.hooks!.pre!.conditions).toContainEqual(expect.objectContaining({ status: 'True', reason: 'BackoffLimitExceeded' })) // FailureTarget, then Failed;
    // Logs are best effort (kwok serves none): either the log or why there is none is recorded.
    expect(bad.hooks!.pre!.log ?? bad.hooks!.pre!.logError).toEqual(expect.any(String));
    expect(bad.rolledBackTo).toBeUndefined();
    // Nothing of release 2's workload reached the cluster: same generation, release 1's template, no new ReplicaSet.
    const after = await h.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: app, name: app });
    expect(after.metadata!.generation).toBe(before.metadata!.generation);
    expect(after.spec!.template.spec!.containers[0]!.image).toBe(first.image);
    expect((await replicaSets(app)).map((rs) => rs.spec!.template!.metadata!.labels!['slipway.dev/release'])).toEqual([String(first.number)]);
    expect(after.status!.readyReplicas).toBe(2);
    expect((await h.t.services.releases.current(app))!.number).toBe(first.number);
    // The hook ran the new release's image with the command asked for.
    const job = await h.kc.makeApiClient(BatchV1Api).readNamespacedJob({ namespace: app, name: bad.hooks!.pre!.job });
    expect(job.spec!.template.spec!.containers[0]).toMatchObject({ image: bad.image, command: ['sh', '-c', 'python manage.py migrate'] });
    expect(job.spec!.activeDeadlineSeconds).toBe(60);
  });

  test('a pre hook that never ends is stopped at its timeout and fails the release', async () => {
    await setHooks(app, { pre: migrate({ 'slipway.test/behaviour': 'never-ready' }, { timeoutSeconds: 3 }) });
    const bad = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(bad.status).toBe('failed');
    expect(bad.failure!.reason).toBe('PreHookDeadlineExceeded');
    expect(bad.hooks!.pre).toMatchObject({ state: 'failed', reason: 'DeadlineExceeded' });
    expect((await h.t.services.releases.current(app))!.number).toBe(first.number);
  });

  test('a pre hook that succeeds completes before the new ReplicaSet exists', async () => {
    await setHooks(app, { pre: migrate({ 'slipway.test/complete-after': '2s' }) });
    const good = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(good.status).toBe('current');
    expect(good.hooks!.pre).toMatchObject({ state: 'succeeded', exitCode: 0 });
    const job = await h.kc.makeApiClient(BatchV1Api).readNamespacedJob({ namespace: app, name: good.hooks!.pre!.job });
    const rs = (await replicaSets(app)).find((r) => r.spec!.template!.metadata!.labels!['slipway.dev/release'] === String(good.number))!;
    // Both timestamps have one-second resolution: "not after" is what they can show.
    expect(new Date(job.status!.completionTime!).getTime()).toBeLessThanOrEqual(new Date(rs.metadata!.creationTimestamp!).getTime());
    expect(new Date(job.metadata!.creationTimestamp!).getTime()).toBeLessThanOrEqual(new Date(rs.metadata!.creationTimestamp!).getTime());
    expect(good.config.hooks!.pre).toEqual(migrate({ 'slipway.test/complete-after': '2s' })); // part of the release record
  });
});

describe('post hook', () => {
  test('failing with onFailure=rollback rolls the release back', async () => {
    const app = await h.newApp();
    const first = await h.settled(app, await h.release(app, { image: h.digest() }));
    await setHooks(app, { post: migrate({ 'slipway.test/behaviour': 'job-fail' }, { onFailure: 'rollback' }) });
    const bad = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(bad.status).toBe('failed');
    expect(bad.failure!.reason).toBe('PostHookFailed');
    expect(bad.hooks!.post).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(bad.rolledBackTo).toMatchObject({ number: first.number, ready: true });
    expect((await liveTemplate({ kc: h.kc, namespace: app, name: app })).spec!.containers[0]!.image).toBe(first.image);
    expect((await h.t.services.releases.current(app))!.number).toBe(first.number);
  });

  test('failing with onFailure=report is recorded and the release stays current', async () => {
    const app = await h.newApp();
    await h.settled(app, await h.release(app, { image: h.digest() }));
    await setHooks(app, { post: migrate({ 'slipway.test/behaviour': 'job-fail', 'slipway.test/exit-code': '2' }) });
    const image = h.digest();
    const release = await h.settled(app, await h.release(app, { image }));
    expect(release.status).toBe('current');
    expect(release.failure).toBeUndefined();
    expect(release.config.hooks!.post!.onFailure).toBe('report');
    expect(release.hooks!.post).toMatchObject({ state: 'failed', exitCode: 2 });
    expect((await liveTemplate({ kc: h.kc, namespace: app, name: app })).spec!.containers[0]!.image).toBe(image);
  });
});

test('hook settings are validated', async () => {
  const app = await h.newApp();
  const bad = async (hooks: unknown) => (await h.api<{ error: { code: string } }>('PUT', `/apps/${app}/hooks`, { hooks })).body.error.code;
  expect(await bad({ pre: { command: [] } })).toBe('VALIDATION_FAILED');
  expect(await bad({ post: { command: ['x'], onFailure: 'ignore' } })).toBe('VALIDATION_FAILED');
  expect(await bad({ mid: { command: ['x'] } })).toBe('VALIDATION_FAILED');
  expect((await h.api('PUT', `/apps/nope-${app}/hooks`, { hooks: null })).status).toBe(404);
});
