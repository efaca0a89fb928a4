import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { Release } from '../../src/store/types.js';
import { liveTemplate } from '../helpers/cluster.js';
import { deployHarness, type DeployHarness } from '../helpers/deploy-harness.js';
import { waitFor } from '../helpers/wait.js';

// Config vars, secrets, scale, restart and volumes on the real control plane (kwok nodes).
let h: DeployHarness;

beforeAll(async () => {
  h = await deployHarness('lc');
});

afterAll(async () => {
  await h.close();
});

const core = () => h.kc.makeApiClient(CoreV1Api);
const appsApi = () => h.kc.makeApiClient(AppsV1Api);
type EnvFrom = Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
const envFrom = async (app: string) => ((await liveTemplate({ kc: h.kc, namespace: app, name: app })).spec!.containers[0]!.envFrom ?? []) as EnvFrom;
/** What the live pods would see from their env ConfigMap. */
async function liveEnv(app: string): Promise<Record<string, string>> {
  const ref = (await envFrom(app)).find((r) => r.configMapRef)!.configMapRef!.name;
  return (await core().readNamespacedConfigMap({ namespace: app, name: ref })).data ?? {};
}
const current = async (app: string) => (await h.t.services.releases.current(app))!.number;
const replicas = async (app: string) => (await appsApi().readNamespacedDeployment({ namespace: app, name: app })).spec!.replicas;

describe('config vars, secrets and scale', () => {
  let app: string;
  let first: Release;

  beforeAll(async () => {
    app = await h.newApp({ env: { MODE: 'v1' } });
    first = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(first.status).toBe('current');
  });

  test('env set makes release N+1 whose pods get the value; rolling back to N restores the old value', async () => {
    expect(await liveEnv(app)).toEqual({ MODE: 'v1' });
    const res = await h.api<{ env: object; release: Release }>('PATCH', `/apps/${app}/env`, { set: { MODE: 'v2', FEATURE: 'on' } });
    expect(res.status).toBe(200);
    expect(res.body.env).toEqual({ MODE: 'v2', FEATURE: 'on' });
    expect(res.body.release).toMatchObject({ number: first.number + 1, trigger: { kind: 'config' }, image: first.image });
    expect((await h.settled(app, res.body.release.number)).status).toBe('current');
    expect(await liveEnv(app)).toEqual({ MODE: 'v2', FEATURE: 'on' });
    const pods = (await core().listNamespacedPod({ namespace: app, labelSelector: `slipway.dev/release=${res.body.release.number}` })).items;
    expect(pods.length).toBe(1);
    expect(pods[0]!.spec!.containers[0]!.envFrom).toEqual(await envFrom(app));

    const unset = await h.api<{ env: object; release: Release }>('PATCH', `/apps/${app}/env`, { unset: ['FEATURE'] });
    expect((await h.settled(app, unset.body.release.number)).status).toBe('current');
    expect(await liveEnv(app)).toEqual({ MODE: 'v2' });
    // Nothing changed: no release.
    expect((await h.api<{ release: null }>('PATCH', `/apps/${app}/env`, { unset: ['NOT_THERE'] })).body.release).toBeNull();

    const back = await h.api<Release>('POST', `/apps/${app}/rollback`, { to: first.number });
    expect((await h.settled(app, back.body.number)).status).toBe('current');
    expect(await liveEnv(app)).toEqual({ MODE: 'v1' });
    expect((await h.api<{ env: object }>('GET', `/apps/${app}/env`)).body.env).toEqual({ MODE: 'v1' });
  });

  test('secrets reach the pods through a Secret and are never shown in full by the API or in releases', async () => {
    const password = 'hunter2-correct-horse-battery';
    const res = await h.api<{ secrets: Array<{ key: string; value: string }>; version: string; release: Release }>('PATCH', `/apps/${app}/secrets`, { set: { DB_PASSWORD: password, PIN: '1234' } });
    expect(res.status).toBe(200);
    expect(res.body.secrets).toEqual([{ key: 'DB_PASSWORD', value: 'hu***' }, { key: 'PIN', value: '***' }]);
    const release = await h.settled(app, res.body.release.number);
    expect(release.status).toBe('current');
    const secretRef = (await envFrom(app)).find((r) => r.secretRef)!.secretRef!.name;
    expect(secretRef).toBe(`${app}-secret-${res.body.version}`);
    const secret = await core().readNamespacedSecret({ namespace: app, name: secretRef });
    expect(Buffer.from(secret.data!.DB_PASSWORD!, 'base64').toString()).toBe(password);
    expect(secret.immutable).toBe(true);
    for (const url of [`/apps/${app}/releases`, `/apps/${app}/releases/${release.number}`, `/apps/${app}`, `/apps/${app}/secrets`]) {
      expect(JSON.stringify((await h.api('GET', url)).body)).not.toContain('hunter2');
    }
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  test('scale applies now, is recorded, and survives a new release and a rollback', async () => {
    const before = await current(app);
    const res = await h.api<{ replicas: number; previous: number; applied: boolean }>('POST', `/apps/${app}/scale`, { replicas: 3 });
    expect(res.body).toEqual({ replicas: 3, previous: 1, applied: true });
    expect(await replicas(app)).toBe(3);
    expect(await current(app)).toBe(before); // no release
    const history = await h.api<{ replicas: number; events: Array<{ from: number; to: number }> }>('GET', `/apps/${app}/scale`);
    expect(history.body).toMatchObject({ replicas: 3, events: [{ from: 1, to: 3 }] });

    const next = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(next.status).toBe('current');
    expect(await replicas(app)).toBe(3);
    expect((await appsApi().readNamespacedDeployment({ namespace: app, name: app })).status!.readyReplicas).toBe(3);

    const back = await h.api<Release>('POST', `/apps/${app}/rollback`, { to: first.number });
    const rolledBack = await h.settled(app, back.body.number);
    expect(rolledBack.status).toBe('current');
    expect(rolledBack.image).toBe(first.image);
    expect(await replicas(app)).toBe(3);
    expect((await h.api<{ deploy: { replicas: number } }>('GET', `/apps/${app}`)).body.deploy.replicas).toBe(3);
  });
});

describe('restart', () => {
  test('replaces every pod of the current release through a gated rollout', async () => {
    const app = await h.newApp({ replicas: 2 });
    const first = await h.settled(app, await h.release(app, { image: h.digest() }));
    const podUids = async () => (await core().listNamespacedPod({ namespace: app, labelSelector: `app.kubernetes.io/name=${app}` })).items.filter((p) => !p.metadata!.deletionTimestamp).map((p) => p.metadata!.uid!);
    const before = await podUids();
    expect(before).toHaveLength(2);
    const res = await h.api<Release>('POST', `/apps/${app}/restart`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ trigger: { kind: 'restart' }, image: first.image, restartedAt: expect.any(String) });
    const restarted = await h.settled(app, res.body.number);
    expect(restarted.status).toBe('current');
    const live = await liveTemplate({ kc: h.kc, namespace: app, name: app });
    expect(live.metadata!.annotations!['slipway.dev/restartedAt']).toBe(restarted.restartedAt);
    const after = await waitFor({ timeoutMs: 30_000, check: async () => { const u = await podUids(); return u.length === 2 ? u : undefined; }, message: () => 'old pods did not go' });
    expect(after.filter((uid) => before.includes(uid))).toEqual([]);
    expect((await h.t.services.releases.get(app, first.number)).status).toBe('superseded');
  });

  test('a restart whose new pods cannot come up is detected as failed and the running pods keep serving', async () => {
    const app = await h.newApp({ readinessDeadlineSeconds: 10 });
    const first = await h.settled(app, await h.release(app, { image: h.digest() }));
    // The namespace has room for the one running pod and no more (a quota, a real admission
    // control): the restarted pod can never be created, let alone become ready.
    await core().createNamespacedResourceQuota({ namespace: app, body: { metadata: { name: 'one-pod' }, spec: { hard: { pods: '1' } } } });
    await waitFor({
      timeoutMs: 30_000,
      check: async () => ((await core().readNamespacedResourceQuota({ namespace: app, name: 'one-pod' })).status?.used?.pods === '1' ? true : undefined),
      message: () => 'the quota controller never counted the running pod',
    });
    const res = await h.api<Release>('POST', `/apps/${app}/restart`);
    const failed = await h.settled(app, res.body.number);
    expect(failed.status).toBe('failed');
    expect(['ReplicaFailure', 'ReadinessDeadlineExceeded']).toContain(failed.failure!.reason);
    expect(failed.rolledBackTo).toMatchObject({ number: first.number, ready: true });
    expect(await current(app)).toBe(first.number);
    expect((await liveTemplate({ kc: h.kc, namespace: app, name: app })).metadata!.annotations!['slipway.dev/restartedAt']).toBeUndefined();
  });

  test('nothing to restart without a current release', async () => {
    const app = await h.newApp();
    expect((await h.api<{ error: { code: string } }>('POST', `/apps/${app}/restart`)).body.error.code).toBe('RELEASE_NOT_DEPLOYABLE');
  });
});

describe('volumes', () => {
  test('a ReadWriteOnce volume is claimed, mounted, switches the Deployment to Recreate, and outlives the app', async () => {
    const app = await h.newApp();
    await h.settled(app, await h.release(app, { image: h.digest() }));
    expect((await appsApi().readNamespacedDeployment({ namespace: app, name: app })).spec!.strategy!.type).toBe('RollingUpdate');
    const res = await h.api<{ volume: { claim: string }; release: Release }>('POST', `/apps/${app}/volumes`, { size: '1Gi', mountPath: '/data' });
    expect(res.status).toBe(201);
    expect(res.body.volume).toMatchObject({ name: 'data', claim: `${app}-data`, accessMode: 'ReadWriteOnce' });
    expect((await h.settled(app, res.body.release.number)).status).toBe('current');
    const deployment = await appsApi().readNamespacedDeployment({ namespace: app, name: app });
    expect(deployment.spec!.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec!.template.spec!.volumes).toEqual([{ name: 'vol-data', persistentVolumeClaim: { claimName: `${app}-data` } }]);
    expect(deployment.spec!.template.spec!.containers[0]!.volumeMounts).toEqual([{ name: 'vol-data', mountPath: '/data' }]);
    const claim = await waitFor({
      timeoutMs: 30_000,
      check: async () => { const c = await core().readNamespacedPersistentVolumeClaim({ namespace: app, name: `${app}-data` }); return c.status?.phase === 'Bound' ? c : undefined; },
      message: () => 'the claim never bound',
    });
    expect(claim.spec!.accessModes).toEqual(['ReadWriteOnce']);
    expect((await h.api<{ error: { code: string } }>('POST', `/apps/${app}/volumes`, { size: '1Gi', mountPath: '/other' })).body.error.code).toBe('VOLUME_EXISTS');

    const deleted = await h.api<{ kept: string[] }>('DELETE', `/apps/${app}`);
    expect(deleted.body.kept).toEqual([`PersistentVolumeClaim/${app}-data`]);
    const kept = await core().readNamespacedPersistentVolumeClaim({ namespace: app, name: `${app}-data` });
    expect(kept.metadata!.uid).toBe(claim.metadata!.uid);
    expect(kept.metadata!.deletionTimestamp).toBeUndefined();
    await core().deleteNamespacedPersistentVolumeClaim({ namespace: app, name: `${app}-data` });
  });

  test('deleting the app with volumes=delete deletes its claims; a ReadWriteMany volume keeps rolling updates', async () => {
    const app = await h.newApp();
    await h.settled(app, await h.release(app, { image: h.digest() }));
    const res = await h.api<{ release: Release }>('POST', `/apps/${app}/volumes`, { name: 'media', size: '1Gi', mountPath: '/media', accessMode: 'ReadWriteMany' });
    expect((await h.settled(app, res.body.release.number)).status).toBe('current');
    expect((await appsApi().readNamespacedDeployment({ namespace: app, name: app })).spec!.strategy!.type).toBe('RollingUpdate');
    expect((await h.api<{ volumes: Array<{ claim: string }> }>('GET', `/apps/${app}/volumes`)).body.volumes.map((v) => v.claim)).toEqual([`${app}-media`]);
    const deleted = await h.api<{ deleted: string[] }>('DELETE', `/apps/${app}?volumes=delete`);
    expect(deleted.body.deleted).toContain(`PersistentVolumeClaim/${app}-media`);
    expect(deleted.body.deleted.some((d) => d.startsWith('ConfigMap/') || d.startsWith('Secret/'))).toBe(false); // none made: no env
    await waitFor({
      timeoutMs: 30_000,
      check: async () => ((await core().readNamespacedPersistentVolumeClaim({ namespace: app, name: `${app}-media` }).catch(() => undefined)) ? undefined : true),
      message: () => 'the claim was not deleted',
    });
  });
});

describe('probes and strategy settings', () => {
  test('probe overrides roll out; strategy takes effect from the next release; bad settings are refused', async () => {
    const app = await h.newApp();
    await h.settled(app, await h.release(app, { image: h.digest() }));
    const probes = { readiness: { type: 'http', path: '/healthz' }, liveness: { type: 'tcp', initialDelaySeconds: 60 } };
    const res = await h.api<{ release: Release }>('PUT', `/apps/${app}/probes`, { probes });
    expect((await h.settled(app, res.body.release.number)).status).toBe('current');
    const container = (await liveTemplate({ kc: h.kc, namespace: app, name: app })).spec!.containers[0]!;
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    expect(container.livenessProbe).toMatchObject({ tcpSocket: { port: 'http' }, initialDelaySeconds: 60 });

    const strategy = await h.api<{ release: null }>('PUT', `/apps/${app}/strategy`, { strategy: { type: 'Rolling', maxSurge: 1, maxUnavailable: '50%' } });
    expect(strategy.body.release).toBeNull();
    await h.settled(app, await h.release(app, {}));
    expect((await appsApi().readNamespacedDeployment({ namespace: app, name: app })).spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '50%' } });

    const code = async (url: string, body: unknown) => (await h.api<{ error: { code: string; message: string } }>('PUT', url, body)).body.error;
    expect(await code(`/apps/${app}/strategy`, { strategy: { type: 'Rolling', maxSurge: 0, maxUnavailable: 0 } })).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('both be 0') });
    expect((await code(`/apps/${app}/probes`, { probes: { readiness: { type: 'http' } } })).code).toBe('VALIDATION_FAILED');
    expect((await h.api<{ error: { code: string } }>('POST', `/apps/${app}/volumes`, { size: 'lots', mountPath: '/x' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await h.api<{ error: { code: string } }>('DELETE', `/apps/${app}/volumes/none`)).body.error.code).toBe('VOLUME_NOT_FOUND');
    expect((await h.api<{ error: { code: string } }>('POST', `/apps/${app}/scale`, { replicas: -1 })).body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('the failure reason quotes the cluster', () => {
  test("a pod that never gets ready: the deploy worker reads the pod's Warning Events and the failure quotes the kubelet's words", async () => {
    // kwok's never-ready stage plays the kubelet: the pod stays unready and a Warning Event
    // `Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503` is recorded on it
    // (test/env/k8s/stages/pod-ready.yaml). Only the Event says 503; the pod's status does not.
    const app = await h.newApp({ readinessDeadlineSeconds: 10, podAnnotations: { 'slipway.test/behaviour': 'never-ready' } });
    const release = await h.settled(app, await h.release(app, { image: h.digest() }));
    expect(release.status).toBe('failed');
    expect(release.failure?.reason).toBe('ReadinessDeadlineExceeded');
    expect(release.failure?.pods).toEqual([expect.objectContaining({ reason: 'NotReady', message: 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503' })]);
  });
});
