import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { loadConfig } from '../../src/config.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { fieldManagers, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { kubectl, KUSTOMIZE_DIR, render, renderWithComponents, testOverlay, type Rendered } from '../helpers/kustomize.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// deploy/kubernetes installed on the real control plane (kwok plays the kubelets, so pods become
// Ready without running images): the workloads come up, the `slipway` ServiceAccount may do
// exactly what deploying needs, and Slipway's own deploy code, holding only that account's token,
// deploys into the managed namespace and refuses a namespace it was not given.
const id = `ic${randomUUID().slice(0, 6)}`;
const overlay = testOverlay(id);
const admin = testKubeConfig();
const unmanaged = `${id}-other`;
const sa = `system:serviceaccount:${overlay.namespace}:slipway`;
let objects: Rendered[];

const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Rendered & { spec: any; data?: Record<string, string> };
type Container = { name: string; command?: string[]; args?: string[]; securityContext?: any; resources?: any; readinessProbe?: any; livenessProbe?: any };
const podSpec = (kind: string, name: string) => find(kind, name).spec.template.spec as { containers: Container[]; securityContext?: any; automountServiceAccountToken?: boolean; serviceAccountName?: string };

beforeAll(async () => {
  objects = await render(overlay.dir);
  await kubectl(['apply', '--server-side', '--field-manager=slipway-test', '-k', overlay.dir]);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: unmanaged } } });
}, 120_000);

afterAll(async () => {
  // Namespaces take their objects (and volume claims) with them; the ClusterRole is cluster-scoped.
  await kubectl(['delete', '-k', overlay.dir, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  await admin.makeApiClient(CoreV1Api).deleteNamespace({ name: unmanaged }).catch(() => undefined);
  overlay.remove();
}, 120_000);

describe('the manifests', () => {
  test.each([
    ['slipway-api', ['node', 'dist/src/main.js'], true],
    ['slipway-build-worker', ['node', 'dist/workers/build-worker.js'], false],
    ['slipway-deploy-worker', ['node', 'dist/workers/deploy-worker.js'], true],
  ])('%s runs %j from the image, non-root, read-only, no capabilities; token mounted: %s', (name, command, token) => {
    const spec = podSpec('Deployment', name);
    const [container] = spec.containers;
    expect(container!.command).toEqual(command);
    // The entry point is what `npm run build` (tsconfig.build.json) makes of these sources.
    expect(existsSync(path.join(KUSTOMIZE_DIR, '../..', command[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(spec.serviceAccountName).toBe('slipway');
    expect(spec.automountServiceAccountToken).toBe(token);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001 });
    expect(container!.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container!.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  });

  test('the API is probed on /readyz and /healthz; Redis keeps an AOF on a volume claim', () => {
    const [api] = podSpec('Deployment', 'slipway-api').containers;
    expect(api!.readinessProbe.httpGet.path).toBe('/readyz');
    expect(api!.livenessProbe.httpGet.path).toBe('/healthz');
    const redis = find('StatefulSet', 'slipway-redis');
    expect(redis.spec.template.spec.containers[0].args.join(' ')).toContain('--appendonly yes');
    expect(redis.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
  });

  test('the generated ConfigMap and Secret are a valid Slipway config: no namespace management, builds on the in-cluster engine', () => {
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('slipway-config-')) as Rendered & { data: Record<string, string> };
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('slipway-secrets-')) as Rendered & { data: Record<string, string> };
    const secretEnv = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    const config = loadConfig({ ...configMap.data, ...secretEnv });
    expect(config).toMatchObject({ manageNamespaces: false, host: '0.0.0.0', dockerHost: 'tcp://slipway-docker:2375', apiToken: overlay.apiToken });
    expect(find('Service', 'slipway-docker').spec.ports[0].port).toBe(2375);
    expect(new URL(config.redisUrl).hostname).toBe(find('Service', 'slipway-redis').metadata.name);
  });

  test.each([
    ['external-redis', ['StatefulSet/slipway-redis', 'Service/slipway-redis', 'NetworkPolicy/slipway-redis'], 'privileged'],
    ['external-docker', ['StatefulSet/slipway-docker', 'Service/slipway-docker', 'NetworkPolicy/slipway-docker'], 'restricted'],
  ])('component %s leaves out %j; Pod Security of the namespace: %s', async (component, removed, podSecurity) => {
    const names = (list: Rendered[]) => list.map((o) => `${o.kind}/${o.metadata.name}`);
    const base = await renderWithComponents([]);
    const withComponent = await renderWithComponents([component]);
    expect(names(base)).toEqual(expect.arrayContaining(removed));
    expect(names(withComponent).sort()).toEqual(names(base).filter((n) => !removed.includes(n)).sort());
    expect(withComponent.find((o) => o.kind === 'Namespace')!.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe(podSecurity);
  });

  test('Slipway is granted nothing cluster-wide and nothing in its own namespace', () => {
    expect(objects.filter((o) => ['ClusterRoleBinding', 'Role'].includes(o.kind))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace)).toEqual([overlay.managed]);
  });
});

test('every Deployment and StatefulSet becomes ready', async () => {
  const apps = admin.makeApiClient(AppsV1Api);
  const expected = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
  expect(expected).toHaveLength(5);
  let notReady: string[] = expected;
  await waitFor({
    timeoutMs: 180_000,
    message: () => `not ready: ${notReady.join(', ')}`,
    check: async () => {
      const namespace = overlay.namespace;
      const workloads = [
        ...(await apps.listNamespacedDeployment({ namespace })).items.map((w) => ({ ...w, kind: 'Deployment' })),
        ...(await apps.listNamespacedStatefulSet({ namespace })).items.map((w) => ({ ...w, kind: 'StatefulSet' })),
      ];
      const ready = new Set(workloads.filter((w) => (w.status?.readyReplicas ?? 0) === w.spec!.replicas).map((w) => `${w.kind}/${w.metadata!.name}`));
      notReady = expected.filter((name) => !ready.has(name));
      return notReady.length === 0 ? true : undefined;
    },
  });
}, 200_000);

describe('the slipway ServiceAccount (SubjectAccessReview)', () => {
  type Row = [verb: string, resource: string, namespace: string, extra?: { group?: string; subresource?: string; name?: string }];
  const m = overlay.managed;
  const allowed: Row[] = [
    ['get', 'namespaces', m, { name: m }],
    ...['deployments', 'statefulsets'].flatMap((r) => ['get', 'list', 'watch', 'create', 'patch', 'delete'].map((v): Row => [v, r, m, { group: 'apps' }])),
    ...['services', 'configmaps', 'secrets'].flatMap((r) => ['get', 'list', 'create', 'patch', 'delete'].map((v): Row => [v, r, m])),
    ...['get', 'list', 'create', 'patch', 'delete'].map((v): Row => [v, 'ingresses', m, { group: 'networking.k8s.io' }]),
    ...['get', 'list', 'create', 'delete'].map((v): Row => [v, 'persistentvolumeclaims', m]),
    ...['get', 'list', 'watch', 'create', 'delete'].map((v): Row => [v, 'jobs', m, { group: 'batch' }]),
    ...['list', 'watch', 'deletecollection'].map((v): Row => [v, 'pods', m]),
    ['get', 'pods', m, { subresource: 'log' }],
    ...['list', 'watch'].map((v): Row => [v, 'events', m]),
  ];
  const denied: Row[] = [
    // Cluster-wide: nothing.
    ['list', 'namespaces', ''],
    ['create', 'namespaces', ''],
    ['delete', 'namespaces', m, { name: m }],
    ['get', 'namespaces', unmanaged, { name: unmanaged }],
    ['create', 'clusterrolebindings', '', { group: 'rbac.authorization.k8s.io' }],
    ['get', 'nodes', ''],
    ['list', 'nodes', ''],
    ['patch', 'nodes', ''],
    ['list', 'persistentvolumes', ''],
    ['list', 'secrets', ''],
    ['impersonate', 'users', ''],
    // Other namespaces, Slipway's own included.
    ['get', 'secrets', 'kube-system'],
    ['list', 'secrets', 'kube-system'],
    ['get', 'secrets', unmanaged],
    ['create', 'deployments', unmanaged, { group: 'apps' }],
    ['list', 'pods', unmanaged],
    ['get', 'secrets', overlay.namespace],
    ['list', 'configmaps', overlay.namespace],
    // In the managed namespace, what no code path does.
    ['create', 'rolebindings', m, { group: 'rbac.authorization.k8s.io' }],
    ['create', 'roles', m, { group: 'rbac.authorization.k8s.io' }],
    ['create', 'serviceaccounts', m],
    ['create', 'pods', m],
    ['get', 'pods', m],
    ['create', 'pods', m, { subresource: 'exec' }],
    ['update', 'deployments', m, { group: 'apps' }],
    ['patch', 'persistentvolumeclaims', m],
    ['update', 'secrets', m],
    ['list', 'replicasets', m, { group: 'apps' }],
  ];

  const review = async ([verb, resource, namespace, extra]: Row) => {
    const result = await admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
      body: {
        spec: {
          user: sa,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${overlay.namespace}`, 'system:authenticated'],
          resourceAttributes: { verb, resource, namespace, group: extra?.group ?? '', subresource: extra?.subresource, name: extra?.name },
        },
      },
    });
    return result.status?.allowed ?? false;
  };
  const label = ([verb, resource, namespace, extra]: Row) => `${verb} ${resource}${extra?.subresource ? `/${extra.subresource}` : ''} in ${namespace || '(cluster)'}`;

  test.each(allowed.map((row) => [label(row), row] as const))('allowed: %s', async (_label, row) => {
    expect(await review(row)).toBe(true);
  });

  test.each(denied.map((row) => [label(row), row] as const))('denied: %s', async (_label, row) => {
    expect(await review(row)).toBe(false);
  });
});

describe("Slipway's deploy code with only the ServiceAccount's token", () => {
  let t: TestApi;
  let worker: Worker;
  let kc: KubeConfig;

  beforeAll(async () => {
    const token = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ namespace: overlay.namespace, name: 'slipway', body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [admin.getCurrentCluster()!],
      users: [{ name: 'slipway', token: token.status!.token }],
      contexts: [{ name: 'slipway', cluster: admin.getCurrentCluster()!.name, user: 'slipway' }],
      currentContext: 'slipway',
    });
    const file = path.join(overlay.dir, 'slipway.kubeconfig');
    writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
    // The API (volumes, templates, scale, deletion) and the worker both use the token, as in the cluster.
    t = await startTestApi({ SLIPWAY_MANAGE_NAMESPACES: 'false', SLIPWAY_KUBECONFIG: file });
    worker = createDeployWorker({ services: t.services, kc: t.services.kubeConfig(), logger: createLogger({ name: 'in-cluster-deploy-worker', level: 'warn' }) });
    void worker.run();
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const api = async <T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.api.inject({ method, url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
    return { status: res.statusCode, body: res.json() as T };
  };
  const newApp = async (namespace: string, deploy: Record<string, unknown> = {}) => {
    const name = `${id}-${randomUUID().slice(0, 6)}`;
    await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { namespace, readinessDeadlineSeconds: 60, ...deploy } });
    return name;
  };
  const release = async (app: string) => {
    const res = await api<Release>('POST', `/apps/${app}/releases`, { image: `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}` });
    expect(res.status).toBe(202);
    return settledRelease({ releases: t.services.releases, app, number: res.body.number, timeoutMs: 150_000 });
  };

  test('a release with env, an Ingress and a pre hook, then secrets, scale and deletion: all within the granted rights', async () => {
    const app = await newApp(overlay.managed, { env: { MODE: 'v1' }, host: `${id}.example.test` });
    expect((await api('PUT', `/apps/${app}/hooks`, { hooks: { pre: { command: ['sh', '-c', 'true'], timeoutSeconds: 60 } } })).status).toBe(200);
    const first = await release(app);
    expect(first).toMatchObject({ status: 'current' });
    expect(first.hooks!.pre).toMatchObject({ state: 'succeeded' });
    // kwok serves no logs, but the request must get past RBAC to find that out.
    expect(first.hooks!.pre!.logError ?? '').not.toMatch(/forbidden/i);
    expect(await fieldManagers({ kc: admin, namespace: overlay.managed, name: app })).toContainEqual({ manager: 'slipway', operation: 'Apply' });

    const secrets = await api<{ release: Release }>('PATCH', `/apps/${app}/secrets`, { set: { DB_PASSWORD: 'in-cluster-secret' } });
    expect(secrets.status).toBe(200);
    expect(await settledRelease({ releases: t.services.releases, app, number: secrets.body.release.number, timeoutMs: 150_000 })).toMatchObject({ status: 'current' });
    expect(await api('POST', `/apps/${app}/scale`, { replicas: 2 })).toMatchObject({ status: 200, body: { applied: true } });

    const deleted = await api<{ deleted: string[] }>('DELETE', `/apps/${app}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toEqual(expect.arrayContaining([`Deployment/${app}`, `Service/${app}`, `Ingress/${app}`, `Job/${app}-pre-1`]));
    expect(deleted.body.deleted.filter((d) => d.startsWith('ConfigMap/') || d.startsWith('Secret/'))).toHaveLength(2);
  }, 300_000);

  test('a template (Secret, Service, StatefulSet with a volume claim template) is provisioned and waited for', async () => {
    const res = await api<{ objects: Array<{ kind: string; action: string }>; waited: Array<{ state: string }> }>('POST', '/templates/provision', {
      template: 'redis-persistent',
      namespace: overlay.managed,
      parameters: { DATABASE_SERVICE_NAME: `${id}-cache` },
      waitSeconds: 120,
    });
    expect(res.status).toBe(200);
    expect(res.body.objects.map((o) => `${o.kind}:${o.action}`).sort()).toEqual(['Secret:created', 'Service:created', 'StatefulSet:created']);
    expect(res.body.waited).toEqual([expect.objectContaining({ state: 'ready' })]);
  }, 200_000);

  test.each([
    ['exists but Slipway has no RoleBinding there', unmanaged],
    ['does not exist', `${id}-nowhere`],
  ])('a namespace that %s: the release fails with NamespaceNotManaged and nothing is applied; the API answers NAMESPACE_NOT_MANAGED', async (_case, namespace) => {
    const app = await newApp(namespace);
    const failed = await release(app);
    expect(failed).toMatchObject({ status: 'failed', failure: { reason: 'NamespaceNotManaged' } });
    expect(failed.failure!.message).toContain(`namespace "${namespace}" is not one Slipway manages`);
    const volume = await api<{ error: { code: string } }>('POST', `/apps/${app}/volumes`, { size: '1Gi', mountPath: '/data' });
    expect(volume).toMatchObject({ status: 422, body: { error: { code: 'NAMESPACE_NOT_MANAGED' } } });
    const template = await api<{ error: { code: string } }>('POST', '/templates/provision', { template: 'redis-persistent', namespace, waitSeconds: 0 });
    expect(template).toMatchObject({ status: 422, body: { error: { code: 'NAMESPACE_NOT_MANAGED' } } });
    if (namespace === unmanaged) {
      const apps = admin.makeApiClient(AppsV1Api);
      expect((await apps.listNamespacedDeployment({ namespace })).items).toEqual([]);
    } else {
      await expect(admin.makeApiClient(CoreV1Api).readNamespace({ name: namespace })).rejects.toMatchObject({ code: 404 });
    }
  }, 200_000);
});
