import { AppsV1Api } from '@kubernetes/client-node';
import { deployHarness, type DeployHarness } from '../helpers/deploy-harness.js';
import { changes, clusterSnapshot, redisSnapshot, registryTags, WORKER_CLOCK } from '../bad-input/snapshot.js';
import type { DryRunView } from '../../src/store/views.js';

// Issue 19, dry runs: `?dryRun=true` on new-app, deploy and config changes answers the manifests
// a real release would apply and a diff against the live objects (a server-side apply dry run on
// the real API server, kwok playing the kubelets), and changes nothing: every Redis key under the
// suite's prefix, the cluster objects of the namespaces involved, and the registry's tags read the
// same before and after.

let h: DeployHarness;
let app: string;
let digest: string;

beforeAll(async () => {
  h = await deployHarness('dry-run');
  app = await h.newApp({ env: { GREETING: 'hello' } });
  digest = h.digest();
  const number = await h.release(app, { image: digest });
  const settled = await h.settled(app, number);
  expect(settled.status).toBe('current');
}, 240_000);

afterAll(() => h?.close());

/** Everything a dry run could touch, read whole. */
async function everything(namespaces: string[]) {
  return {
    redis: await redisSnapshot({ redis: h.t.services.redis, prefix: h.t.config.prefix, skip: WORKER_CLOCK(h.t.config.prefix) }),
    cluster: await clusterSnapshot(h.kc, { namespaces, objectsIn: namespaces.filter((n) => n === app) }),
    registry: { app: await registryTags('app'), [app]: await registryTags(app) },
  };
}

/** Asserts that `run` changed nothing anywhere, and answers its dry run. */
async function changesNothing(namespaces: string[], run: () => Promise<{ status: number; body: unknown }>): Promise<DryRunView> {
  const before = await everything(namespaces);
  const res = await run();
  expect(res.status).toBe(200);
  const after = await everything(namespaces);
  expect(changes(before.redis, after.redis)).toEqual([]);
  expect(changes(before.cluster, after.cluster)).toEqual([]);
  expect(after.registry).toEqual(before.registry);
  return res.body as DryRunView;
}

const change = (view: DryRunView, kind: string, name?: string) => view.changes.find((c) => c.kind === kind && (name === undefined || c.name === name));

test('new-app --dry-run: the first release with the image still to come, the namespace to create, nothing stored, queued or applied', async () => {
  const name = `dry-run-new-${Date.now().toString(36)}`;
  const view = await changesNothing([name], () =>
    h.api('POST', '/apps?dryRun=true', { name, repo: 'https://github.com/acme/shop.git', deploy: { env: { GREETING: 'hi' }, replicas: 2 } }),
  );
  expect(view).toMatchObject({ dryRun: true, app: name, release: 1 });
  expect(view.image).toContain('<digest-of-its-first-build>');
  expect(view.notes.join('\n')).toContain('a build of https://github.com/acme/shop.git#main would run first');
  expect(view.manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(['Namespace', 'ConfigMap', 'Service', 'Deployment']));
  const deployment = view.manifests.find((m) => m.kind === 'Deployment') as { spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } } };
  expect(deployment.spec.replicas).toBe(2);
  expect(deployment.spec.template.spec.containers[0]!.image).toBe(view.image);
  expect(change(view, 'Namespace')).toMatchObject({ name, action: 'create' });
  expect(change(view, 'Deployment')).toMatchObject({ action: 'unchecked' });
  // The registry pull secret is shown as the worker would apply it, its credentials never.
  const pull = view.manifests.find((m) => m.kind === 'Secret') as { data: Record<string, string> } | undefined;
  if (process.env.SLIPWAY_REGISTRY_PASSWORD) {
    expect(pull?.data).toEqual({ '.dockerconfigjson': '(hidden)' });
    expect(JSON.stringify(view)).not.toContain(process.env.SLIPWAY_REGISTRY_PASSWORD);
  }
  expect((await h.api('GET', `/apps/${name}`)).status).toBe(404);
});

test('env set --dry-run on a deployed app: the new ConfigMap to create and the Deployment fields that change, nothing changed', async () => {
  const view = await changesNothing([app], () => h.api('PATCH', `/apps/${app}/env?dryRun=true`, { set: { GREETING: 'bye' } }));
  expect(view).toMatchObject({ app, release: 2, image: digest });
  const configMap = view.manifests.find((m) => m.kind === 'ConfigMap') as { metadata: { name: string }; data: Record<string, string> };
  expect(configMap.data).toEqual({ GREETING: 'bye' });
  expect(change(view, 'ConfigMap', configMap.metadata.name)).toMatchObject({ action: 'create' });
  const deployment = change(view, 'Deployment', app)!;
  expect(deployment.action).toBe('change');
  expect(deployment.fields).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: 'spec.template.spec.containers[0].envFrom[0].configMapRef.name', after: JSON.stringify(configMap.metadata.name) }),
      expect.objectContaining({ path: 'spec.template.metadata.annotations["slipway.dev/config-hash"]' }),
    ]),
  );
  // Every object of a release carries its number; the Service changes in nothing else.
  expect(change(view, 'Service', app)).toMatchObject({ action: 'change', fields: [{ path: 'metadata.labels["slipway.dev/release"]', before: '"1"', after: '"2"' }] });
  // The live Deployment still runs the old env.
  const live = await h.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: app, name: app });
  expect(JSON.stringify(live.spec?.template.spec?.containers[0]?.envFrom)).not.toContain(configMap.metadata.name);
});

test('PATCH /apps/:app?dryRun=true names the changed field (spec.replicas), and deploy --dry-run of a new image names the image', async () => {
  const scaled = await changesNothing([app], () => h.api('PATCH', `/apps/${app}?dryRun=true`, { deploy: { replicas: 3 } }));
  expect(change(scaled, 'Deployment', app)!.fields).toContainEqual({ path: 'spec.replicas', before: '1', after: '3' });

  const next = h.digest();
  const deployed = await changesNothing([app], () => h.api('POST', `/apps/${app}/releases?dryRun=true`, { image: next }));
  expect(deployed.image).toBe(next);
  expect(change(deployed, 'Deployment', app)!.fields).toContainEqual({
    path: 'spec.template.spec.containers[0].image',
    before: JSON.stringify(digest),
    after: JSON.stringify(next),
  });
  expect((await h.t.services.releases.list(app)).map((r) => r.number)).toEqual([1]);
});

test('a dry run is refused as the real request would be: an image not by digest, an app that exists', async () => {
  const tagged = await h.api<{ error: { code: string } }>('POST', `/apps/${app}/releases?dryRun=true`, { image: 'nginx:latest' });
  expect(tagged.status).toBe(409);
  expect(tagged.body.error.code).toBe('RELEASE_NOT_DEPLOYABLE');
  const exists = await h.api<{ error: { code: string } }>('POST', '/apps?dryRun=true', { name: app, repo: 'https://github.com/acme/shop.git' });
  expect(exists.body.error.code).toBe('APP_EXISTS');
});
