import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, type V1LabelSelector, type V1Pod } from '@kubernetes/client-node';
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
// deploys into the managed namespace and refuses a namespace it was not given. Least privilege
// as the manifests state it: the Docker engine only inside the build worker's pod (a unix
// socket, no port), NetworkPolicies around Slipway's namespace, Pod Security `restricted` for
// every pod but that engine (checked by the API server's own admission), and each pod reading
// only the Secret keys it uses.
const id = `ic${randomUUID().slice(0, 6)}`;
const overlay = testOverlay(id);
const admin = testKubeConfig();
const unmanaged = `${id}-other`;
const restricted = `${id}-restricted`;
const sa = `system:serviceaccount:${overlay.namespace}:slipway`;
let objects: Rendered[];

const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Rendered & { spec: any; data?: Record<string, string> };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { fieldPath: string } } };
type Container = {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  restartPolicy?: string;
  securityContext?: any;
  resources?: any;
  readinessProbe?: any;
  livenessProbe?: any;
  startupProbe?: any;
};
type PodSpec = {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; emptyDir?: object; secret?: object; hostPath?: object }>;
  securityContext?: any;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  hostNetwork?: boolean;
};
const podSpec = (kind: string, name: string) => find(kind, name).spec.template.spec as PodSpec;
const workloads = () => objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));
const allContainers = (spec: PodSpec) => [...(spec.initContainers ?? []), ...spec.containers];
const generated = (kind: string, prefix: string) => objects.find((o) => o.kind === kind && o.metadata.name.startsWith(`${prefix}-`)) as Rendered & { data: Record<string, string> };
/** A label selector as the API's `labelSelector` query takes it. */
const selector = (s: V1LabelSelector) =>
  [
    ...Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(s.matchExpressions ?? []).map((e) => (e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator.toLowerCase()} (${e.values!.join(',')})`)),
  ].join(',');

/** A container's environment as the kubelet would make it, reading the generated ConfigMap and Secret. */
function environment(container: Container): Record<string, string> {
  const configMap = generated('ConfigMap', 'slipway-config');
  const secret = generated('Secret', 'slipway-secrets');
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, configMap.data);
    if (from.secretRef) Object.assign(env, Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])));
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (ref && secret.data[ref.key] !== undefined) env[e.name] = Buffer.from(secret.data[ref.key]!, 'base64').toString();
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = overlay.namespace;
  }
  return env;
}
/** The Secret keys a pod can read: its secretKeyRefs, whole Secrets by envFrom, Secret volumes. */
function secretKeys(spec: PodSpec): string[] {
  const keys = new Set<string>();
  const secret = generated('Secret', 'slipway-secrets');
  for (const c of allContainers(spec)) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) keys.add(e.valueFrom.secretKeyRef.key);
    for (const f of c.envFrom ?? []) if (f.secretRef) for (const k of Object.keys(secret.data)) keys.add(k);
  }
  for (const v of spec.volumes ?? []) if (v.secret) keys.add('<a whole Secret as a volume>');
  return [...keys].sort();
}

beforeAll(async () => {
  objects = await render(overlay.dir);
  await kubectl(['apply', '--server-side', '--field-manager=slipway-test', '-k', overlay.dir]);
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: unmanaged } } });
  // Where the API server's Pod Security admission judges Slipway's pod specs.
  await core.createNamespace({ body: { metadata: { name: restricted, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } });
  await core.createNamespacedServiceAccount({ namespace: restricted, body: { metadata: { name: 'slipway' }, automountServiceAccountToken: false } });
}, 120_000);

afterAll(async () => {
  // Namespaces take their objects (and volume claims) with them; the ClusterRole is cluster-scoped.
  await kubectl(['delete', '-k', overlay.dir, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  for (const name of [unmanaged, restricted]) await admin.makeApiClient(CoreV1Api).deleteNamespace({ name }).catch(() => undefined);
  overlay.remove();
}, 120_000);

describe('the manifests', () => {
  test.each([
    ['slipway-api', ['node', 'dist/src/main.js'], true],
    ['slipway-build-worker', ['node', 'dist/workers/build-worker.js'], false],
    ['slipway-deploy-worker', ['node', 'dist/workers/deploy-worker.js'], true],
  ])('%s runs %j from the image, non-root, read-only, no capabilities, RuntimeDefault seccomp; token mounted: %s', (name, command, token) => {
    const spec = podSpec('Deployment', name);
    const [container] = spec.containers;
    expect(spec.containers).toHaveLength(1);
    expect(container!.command).toEqual(command);
    // The entry point is what `npm run build` (tsconfig.build.json) makes of these sources.
    expect(existsSync(path.join(KUSTOMIZE_DIR, '../..', command[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(spec.serviceAccountName).toBe('slipway');
    expect(spec.automountServiceAccountToken).toBe(token);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container!.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container!.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  });

  test("the API's pod is probed on /readyz without the workers (it queues builds while none runs) and /healthz; Redis keeps an AOF on a volume claim and wants a password", () => {
    const [api] = podSpec('Deployment', 'slipway-api').containers;
    expect(api!.readinessProbe.httpGet.path).toBe('/readyz?exclude=build-worker&exclude=deploy-worker');
    expect(api!.livenessProbe.httpGet.path).toBe('/healthz');
    const redis = find('StatefulSet', 'slipway-redis');
    const args = redis.spec.template.spec.containers[0].args.join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--requirepass $(REDIS_PASSWORD)');
    expect(redis.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
  });

  test("the Docker engine runs only in the build worker's pod, on a unix socket in a volume only those two containers mount; nothing serves 2375", () => {
    // No port, Service, probe or setting anywhere names Docker's TCP ports.
    expect(JSON.stringify(objects.filter((o) => o.kind !== 'Secret'))).not.toMatch(/\b237[56]\b/);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['slipway-api', 'slipway-redis']);
    expect(generated('ConfigMap', 'slipway-config').data.DOCKER_HOST).toBeUndefined();

    const spec = podSpec('Deployment', 'slipway-build-worker');
    const [engine] = spec.initContainers!;
    const [worker] = spec.containers;
    expect(spec.initContainers).toHaveLength(1);
    // A native sidecar: up before the worker (gated on its startup probe), down after it.
    expect(engine).toMatchObject({ name: 'engine', image: expect.stringMatching(/^slipway-engine:/), command: ['slipway-engine'], restartPolicy: 'Always' });
    expect(engine!.ports ?? []).toEqual([]);
    expect(engine!.startupProbe.exec.command).toEqual(['test', '-e', '/tmp/slipway-engine-ready']);
    const engineEnv = Object.fromEntries((engine!.env ?? []).map((e) => [e.name, e.value]));
    const workerEnv = environment(worker!);
    expect(workerEnv.DOCKER_HOST).toBe('unix:///run/docker/docker.sock');
    // The socket's group is the worker's: it needs no root to use it.
    expect(engineEnv.SLIPWAY_ENGINE_GROUP).toBe(String(spec.securityContext.runAsGroup));
    // One emptyDir, the socket in it: where the engine makes it is where the worker looks.
    const socketVolume = spec.volumes!.find((v) => v.name === 'docker-socket')!;
    expect(socketVolume.emptyDir).toBeDefined();
    const mount = (c: Container) => c.volumeMounts!.find((m) => m.name === 'docker-socket')!;
    expect(`${mount(engine!).mountPath}/docker.sock`).toBe(engineEnv.SLIPWAY_ENGINE_SOCKET);
    expect(`unix://${mount(worker!).mountPath}/docker.sock`).toBe(workerEnv.DOCKER_HOST);
    expect(mount(worker!).readOnly).toBe(true);
    // Not at dockerd's exec-root (/run/docker): its runtime state stays the engine's.
    expect(mount(engine!).mountPath).not.toBe('/run/docker');
    // No other pod has an engine, its socket or a DOCKER_HOST.
    for (const w of workloads().filter((o) => o.metadata.name !== 'slipway-build-worker')) {
      const other = (w as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
      expect(other.initContainers ?? []).toEqual([]);
      expect((other.volumes ?? []).filter((v) => v.name === 'docker-socket')).toEqual([]);
      for (const c of other.containers) expect(environment(c).DOCKER_HOST).toBeUndefined();
    }
  });

  test('the engine image serves only the socket and fences the build network (deploy/build-network.sh) before it reports ready', () => {
    const dockerfile = readFileSync(path.join(KUSTOMIZE_DIR, 'engine/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY build-network.sh /usr/local/bin/slipway-build-network');
    expect(dockerfile).toContain('ENTRYPOINT ["slipway-engine"]');
    expect(existsSync(path.join(KUSTOMIZE_DIR, '..', 'build-network.sh'))).toBe(true);
    const start = readFileSync(path.join(KUSTOMIZE_DIR, 'engine/engine-start.sh'), 'utf8');
    const dockerd = start.split('\n').find((l) => l.startsWith('dockerd-entrypoint.sh dockerd '))!;
    // `dockerd` first: the image's entrypoint then adds no tcp://0.0.0.0:2375 of its own.
    expect(dockerd.match(/--host=\S+/g)).toEqual(['--host="unix://$socket"']);
    const fence = start.indexOf('bash /usr/local/bin/slipway-build-network');
    expect(fence).toBeGreaterThan(start.indexOf(dockerd));
    expect(start.indexOf('touch "$ready"')).toBeGreaterThan(fence);
  });

  test.each([
    ['Deployment', 'slipway-api', ['SLIPWAY_API_TOKEN', 'SLIPWAY_REDIS_URL', 'SLIPWAY_SECRETS_KEY', 'SLIPWAY_SECRETS_OLD_KEYS']],
    ['Deployment', 'slipway-build-worker', ['SLIPWAY_REDIS_URL', 'SLIPWAY_REGISTRY_PASSWORD', 'SLIPWAY_REGISTRY_USER', 'SLIPWAY_SECRETS_KEY', 'SLIPWAY_SECRETS_OLD_KEYS']],
    ['Deployment', 'slipway-deploy-worker', ['SLIPWAY_REDIS_URL', 'SLIPWAY_REGISTRY_PASSWORD', 'SLIPWAY_REGISTRY_USER', 'SLIPWAY_SECRETS_KEY', 'SLIPWAY_SECRETS_OLD_KEYS']],
    ['StatefulSet', 'slipway-redis', ['REDIS_PASSWORD']],
  ])('%s %s can read only the Secret keys %j', (kind, name, keys) => {
    expect(secretKeys(podSpec(kind, name))).toEqual(keys);
  });

  test('each Deployment, given only its keys, has a valid config for its role: only the API holds the token, only the workers the registry password', () => {
    const config = (name: string, role: 'api' | 'worker') => {
      const spec = podSpec('Deployment', name);
      return loadConfig(environment(spec.containers[0]!), { role });
    };
    const api = config('slipway-api', 'api');
    expect(api).toMatchObject({ manageNamespaces: false, host: '0.0.0.0', apiToken: overlay.apiToken, registry: { password: undefined } });
    expect(new URL(api.redisUrl).hostname).toBe(find('Service', 'slipway-redis').metadata.name);
    const build = config('slipway-build-worker', 'worker');
    expect(build).toMatchObject({ apiToken: '', dockerHost: 'unix:///run/docker/docker.sock', registry: { password: overlay.secrets.SLIPWAY_REGISTRY_PASSWORD } });
    // The deploy worker keeps the registry pull secret in app namespaces (issue 15).
    expect(config('slipway-deploy-worker', 'worker')).toMatchObject({ apiToken: '', registry: { password: overlay.secrets.SLIPWAY_REGISTRY_PASSWORD } });
    // The same environment is not enough for the API: a worker really has no token.
    const spec = podSpec('Deployment', 'slipway-deploy-worker');
    expect(() => loadConfig(environment(spec.containers[0]!))).toThrow(/SLIPWAY_API_TOKEN/);
  });

  test('NetworkPolicies: nothing gets into Slipway\'s namespace but the API\'s port and, to Redis, Slipway\'s own pods; app pods send nothing to it', () => {
    const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name) as Rendered & { spec: any };
    const inSlipway = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === overlay.namespace).map((o) => o.metadata.name).sort();
    expect(inSlipway).toEqual(['slipway-api', 'slipway-default-deny-ingress', 'slipway-redis']);
    expect(policy('slipway-default-deny-ingress').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(policy('slipway-api').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'slipway', 'app.kubernetes.io/component': 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080 }] }],
    });
    expect(podSpec('Deployment', 'slipway-api').containers[0]!.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(policy('slipway-redis').spec.ingress).toEqual([
      { from: [{ podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['api', 'build-worker', 'deploy-worker'] }] } }], ports: [{ port: 6379 }] },
    ]);
    const apps = policy('slipway-apps-egress');
    expect(apps.metadata.namespace).toBe(overlay.managed);
    expect(apps.spec.podSelector).toEqual({});
    expect(apps.spec.policyTypes).toEqual(['Egress']);
    expect(apps.spec.egress[0]).toEqual({ to: [{ namespaceSelector: { matchExpressions: [{ key: 'slipway.dev/role', operator: 'NotIn', values: ['platform'] }] } }] });
    expect(find('Namespace', overlay.namespace).metadata.labels!['slipway.dev/role']).toBe('platform');
    expect(find('Namespace', overlay.managed).metadata.labels).toMatchObject({ 'slipway.dev/role': 'apps', 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test('component external-redis leaves out Redis, its Service and NetworkPolicy', async () => {
    const names = (list: Rendered[]) => list.map((o) => `${o.kind}/${o.metadata.name}`);
    const removed = ['StatefulSet/slipway-redis', 'Service/slipway-redis', 'NetworkPolicy/slipway-redis'];
    const base = await renderWithComponents([]);
    const withComponent = await renderWithComponents(['external-redis']);
    expect(names(base)).toEqual(expect.arrayContaining(removed));
    expect(names(withComponent).sort()).toEqual(names(base).filter((n) => !removed.includes(n)).sort());
    expect(withComponent.find((o) => o.kind === 'Namespace')!.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  test('component external-docker takes the engine out of the build worker\'s pod; nothing privileged is left, the namespace is `restricted`', async () => {
    const base = await renderWithComponents([]);
    const rendered = await renderWithComponents(['external-docker']);
    expect(rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(base.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    const spec = (rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === 'slipway-build-worker') as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
    expect(spec.initContainers ?? []).toEqual([]);
    expect((spec.volumes ?? []).map((v) => v.name)).toEqual(['tmp']);
    expect(spec.containers[0]!.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    // DOCKER_HOST comes from the overlay's config.properties then.
    expect((spec.containers[0]!.env ?? []).map((e) => e.name)).not.toContain('DOCKER_HOST');
    expect(JSON.stringify(rendered)).not.toContain('"privileged":true');
    const labels = rendered.find((o) => o.kind === 'Namespace')!.metadata.labels!;
    expect([labels['pod-security.kubernetes.io/enforce'], labels['pod-security.kubernetes.io/warn']]).toEqual(['restricted', 'restricted']);
  });

  test('Slipway is granted nothing cluster-wide and nothing in its own namespace', () => {
    expect(objects.filter((o) => ['ClusterRoleBinding', 'Role'].includes(o.kind))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace)).toEqual([overlay.managed]);
  });
});

describe('on the cluster', () => {
  /** A workload's pod template as a Pod, for the API server's admission to judge. */
  const asPod = (kind: string, name: string, edit: (spec: PodSpec) => PodSpec = (s) => s): V1Pod => {
    const template = find(kind, name).spec.template;
    const spec = edit(structuredClone(template.spec) as PodSpec);
    // A StatefulSet's claim templates become volumes of its pods.
    if (kind === 'StatefulSet') spec.volumes = [...(spec.volumes ?? []), ...find(kind, name).spec.volumeClaimTemplates.map((t: { metadata: { name: string } }) => ({ name: t.metadata.name, emptyDir: {} }))];
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-psa`, labels: template.metadata.labels }, spec: spec as V1Pod['spec'] };
  };
  const admit = async (pod: V1Pod) =>
    admin
      .makeApiClient(CoreV1Api)
      .createNamespacedPod({ namespace: restricted, body: pod, dryRun: 'All' })
      .then(
        () => 'admitted',
        (error: { body?: string }) => (JSON.parse(error.body ?? '{}') as { message?: string }).message ?? String(error),
      );

  test.each([
    ['Deployment', 'slipway-api'],
    ['Deployment', 'slipway-deploy-worker'],
    ['StatefulSet', 'slipway-redis'],
  ])('Pod Security admission: %s %s is admitted at `restricted`', async (kind, name) => {
    expect(await admit(asPod(kind, name))).toBe('admitted');
  });

  test('Pod Security admission: the build worker is `restricted` but for its engine, the one privileged container, which `restricted` refuses', async () => {
    const withoutEngine = (spec: PodSpec): PodSpec => ({
      ...spec,
      initContainers: [],
      volumes: spec.volumes!.filter((v) => v.name === 'tmp'),
      containers: spec.containers.map((c) => ({ ...c, volumeMounts: c.volumeMounts!.filter((m) => m.name === 'tmp') })),
    });
    expect(await admit(asPod('Deployment', 'slipway-build-worker', withoutEngine))).toBe('admitted');
    const refused = await admit(asPod('Deployment', 'slipway-build-worker'));
    expect(refused).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(refused).toMatch(/privileged \(container "engine"/);
    expect(refused).not.toMatch(/container "build-worker"/);
  });

  test("the NetworkPolicies are in place and select what they mean: every pod of Slipway's namespace, Redis's peers, and every namespace but Slipway's", async () => {
    const net = admin.makeApiClient(NetworkingV1Api);
    const core = admin.makeApiClient(CoreV1Api);
    const live = async (namespace: string) => Object.fromEntries((await net.listNamespacedNetworkPolicy({ namespace })).items.map((p) => [p.metadata!.name!, p.spec!]));
    const inSlipway = await live(overlay.namespace);
    const inApps = await live(overlay.managed);
    expect(Object.keys(inSlipway).sort()).toEqual(['slipway-api', 'slipway-default-deny-ingress', 'slipway-redis']);
    expect(Object.keys(inApps)).toEqual(['slipway-apps-egress']);

    const podsOf = async (labelSelector: string) => (await core.listNamespacedPod({ namespace: overlay.namespace, labelSelector })).items.map((p) => p.metadata!.labels!['app.kubernetes.io/component']).sort();
    await waitFor({
      timeoutMs: 120_000,
      message: () => 'the pods of every workload never appeared',
      check: async () => ((await podsOf('')).length >= 5 ? true : undefined),
    });
    expect(await podsOf(selector(inSlipway['slipway-default-deny-ingress']!.podSelector!))).toEqual(['api', 'api', 'build-worker', 'deploy-worker', 'redis']);
    expect(await podsOf(selector(inSlipway['slipway-api']!.podSelector!))).toEqual(['api', 'api']);
    expect(await podsOf(selector(inSlipway['slipway-redis']!.ingress![0]!._from![0]!.podSelector!))).toEqual(['api', 'api', 'build-worker', 'deploy-worker']);

    const egress = inApps['slipway-apps-egress']!;
    const namespaces = (await core.listNamespace({ labelSelector: selector(egress.egress![0]!.to![0]!.namespaceSelector!) })).items.map((n) => n.metadata!.name);
    expect(namespaces).toEqual(expect.arrayContaining([overlay.managed, unmanaged, 'kube-system', 'default']));
    expect(namespaces).not.toContain(overlay.namespace);
  });

  test('every Deployment and StatefulSet becomes ready', async () => {
    const apps = admin.makeApiClient(AppsV1Api);
    const expected = workloads().map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(expected).toEqual(['Deployment/slipway-api', 'Deployment/slipway-build-worker', 'Deployment/slipway-deploy-worker', 'StatefulSet/slipway-redis']);
    let notReady: string[] = expected;
    await waitFor({
      timeoutMs: 180_000,
      message: () => `not ready: ${notReady.join(', ')}`,
      check: async () => {
        const namespace = overlay.namespace;
        const live = [
          ...(await apps.listNamespacedDeployment({ namespace })).items.map((w) => ({ ...w, kind: 'Deployment' })),
          ...(await apps.listNamespacedStatefulSet({ namespace })).items.map((w) => ({ ...w, kind: 'StatefulSet' })),
        ];
        const ready = new Set(live.filter((w) => (w.status?.readyReplicas ?? 0) === w.spec!.replicas).map((w) => `${w.kind}/${w.metadata!.name}`));
        notReady = expected.filter((name) => !ready.has(name));
        return notReady.length === 0 ? true : undefined;
      },
    });
  }, 200_000);
});

describe('the slipway ServiceAccount (SubjectAccessReview)', () => {
  type Row = [verb: string, resource: string, namespace: string, extra?: { group?: string; subresource?: string; name?: string }];
  const m = overlay.managed;
  const allowed: Row[] = [
    ['get', 'namespaces', m, { name: m }],
    ...['deployments', 'statefulsets'].flatMap((r) => ['get', 'list', 'watch', 'create', 'patch', 'delete'].map((v): Row => [v, r, m, { group: 'apps' }])),
    ...['services', 'configmaps', 'secrets'].flatMap((r) => ['get', 'list', 'create', 'patch', 'delete'].map((v): Row => [v, r, m])),
    ...['get', 'list', 'create', 'patch', 'delete'].map((v): Row => [v, 'ingresses', m, { group: 'networking.k8s.io' }]),
    ...['get', 'list', 'create', 'patch', 'delete'].map((v): Row => [v, 'horizontalpodautoscalers', m, { group: 'autoscaling' }]),
    ...['get', 'list', 'create', 'delete'].map((v): Row => [v, 'persistentvolumeclaims', m]),
    ...['get', 'list', 'watch', 'create', 'delete'].map((v): Row => [v, 'jobs', m, { group: 'batch' }]),
    ...['list', 'watch', 'deletecollection'].map((v): Row => [v, 'pods', m]),
    ['get', 'pods', m, { subresource: 'log' }],
    ...['list', 'watch'].map((v): Row => [v, 'events', m]),
    // The registry pull secret on the namespace's default ServiceAccount.
    ...['get', 'patch'].map((v): Row => [v, 'serviceaccounts', m, { name: 'default' }]),
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
    ['update', 'serviceaccounts', m, { name: 'default' }],
    ['delete', 'serviceaccounts', m, { name: 'default' }],
    ['create', 'serviceaccounts', m, { subresource: 'token', name: 'default' }],
    ['patch', 'serviceaccounts', unmanaged, { name: 'default' }],
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
    // An autoscaler (issue 19), applied with a release and deleted with the app.
    const autoscaled = await api<{ release: Release }>('PUT', `/apps/${app}/autoscale`, { autoscale: { minReplicas: 2, maxReplicas: 4, cpuPercent: 70 } });
    expect(autoscaled.status).toBe(200);
    expect(await settledRelease({ releases: t.services.releases, app, number: autoscaled.body.release.number, timeoutMs: 150_000 })).toMatchObject({ status: 'current' });

    const deleted = await api<{ deleted: string[] }>('DELETE', `/apps/${app}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toEqual(expect.arrayContaining([`HorizontalPodAutoscaler/${app}`, `Deployment/${app}`, `Service/${app}`, `Ingress/${app}`, `Job/${app}-pre-1`]));
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
