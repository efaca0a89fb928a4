import { randomUUID } from 'node:crypto';
import { AppsV1Api, BatchV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { makeRelease } from '../../src/releases/make-release.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { Release } from '../../src/store/types.js';
import { deleteNamespace } from '../helpers/cluster.js';
import { deployHarness, type DeployHarness } from '../helpers/deploy-harness.js';
import { settledRelease } from '../helpers/releases.js';

// Pod Security on the real control plane (its kube-apiserver runs the PodSecurity admission
// plugin; kwok plays the kubelets, so admitted pods "run"): namespaces Slipway creates enforce
// `restricted`, a pod that breaks it is refused there, and Slipway's own app pods, hook pods and
// template workloads are admitted. Templates that would escape are refused before anything is
// applied, and an app record in a forbidden namespace is refused again at deploy time.
let h: DeployHarness;
const extraNamespaces: string[] = [];

beforeAll(async () => {
  h = await deployHarness('psa');
});

afterAll(async () => {
  await h.close();
  for (const ns of extraNamespaces) await deleteNamespace(h.kc, ns);
});

const core = () => h.kc.makeApiClient(CoreV1Api);

type PodSpec = Partial<NonNullable<V1Pod['spec']>>;

const RESTRICTED_POD = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };
const RESTRICTED_CONTAINER = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };

/** A pod that meets restricted, with one thing changed by `spec` and `container`. */
const pod = (namespace: string, spec: PodSpec, container: object = {}): V1Pod => ({
  metadata: { name: `probe-${randomUUID().slice(0, 6)}`, namespace },
  spec: { ...RESTRICTED_POD, containers: [{ name: 'c', image: '127.0.0.1:5000/probe:1', ...RESTRICTED_CONTAINER, ...container }], ...spec },
});

/** The API server's refusal message, or undefined when the pod was admitted (a dry run: nothing is created). */
async function admission(body: V1Pod): Promise<string | undefined> {
  try {
    await core().createNamespacedPod({ namespace: body.metadata!.namespace!, body, dryRun: 'All' });
    return undefined;
  } catch (error) {
    const raw = (error as { body?: unknown }).body;
    return typeof raw === 'string' ? ((JSON.parse(raw) as { message?: string }).message ?? raw) : String(error);
  }
}

describe('an app namespace Slipway creates', () => {
  let app: string;
  let release: Release;

  beforeAll(async () => {
    app = await h.newApp();
    expect((await h.api('PUT', `/apps/${app}/hooks`, { hooks: { pre: { command: ['sh', '-c', 'true'], timeoutSeconds: 60 }, post: { command: ['sh', '-c', 'true'], timeoutSeconds: 60 } } })).status).toBe(200);
    release = await h.settled(app, await h.release(app, { image: h.digest() }));
  }, 240_000);

  test('enforces Pod Security restricted (and warns and audits at it)', async () => {
    const labels = (await core().readNamespace({ name: app })).metadata!.labels!;
    expect(labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'slipway',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test("Slipway's own app pods and pre and post hook pods are admitted and run", async () => {
    expect(release).toMatchObject({ status: 'current', hooks: { pre: { state: 'succeeded' }, post: { state: 'succeeded' } } });
    const pods = (await core().listNamespacedPod({ namespace: app, labelSelector: `app.kubernetes.io/name=${app}` })).items;
    expect(pods.length).toBeGreaterThan(0);
    const jobs = (await h.kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: app })).items;
    expect(jobs.map((j) => j.status?.succeeded)).toEqual([1, 1]);
    const spec = pods[0]!.spec!;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0]!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  test.each<[string, PodSpec, object, RegExp]>([
    ['privileged', {}, { securityContext: { ...RESTRICTED_CONTAINER.securityContext, allowPrivilegeEscalation: undefined, privileged: true } }, /privileged \(container "c" must not set securityContext.privileged=true\)/],
    ['hostNetwork', { hostNetwork: true }, {}, /host namespaces \(hostNetwork=true\)/],
    ['hostPID', { hostPID: true }, {}, /host namespaces \(hostPID=true\)/],
    ['a hostPath volume', { volumes: [{ name: 'root', hostPath: { path: '/' } }] }, { volumeMounts: [{ name: 'root', mountPath: '/host' }] }, /restricted volume types \(volume "root" uses restricted volume type "hostPath"\)/],
    ['root', { securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } }, {}, /runAsNonRoot != true/],
    ['privilege escalation', {}, { securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'] } } }, /allowPrivilegeEscalation != false/],
    ['an added capability', {}, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } }, /unrestricted capabilities/],
    ['no securityContext at all', { securityContext: {} }, { securityContext: {} }, /runAsNonRoot != true.*seccompProfile/],
  ])('a pod that breaks restricted is refused: %s', async (_name, spec, container, reason) => {
    const refusal = await admission(pod(app, spec, container));
    expect(refusal).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(refusal).toMatch(reason);
  });

  test('the same pod with the restricted fields is admitted (the refusals above are Pod Security, nothing else)', async () => {
    expect(await admission(pod(app, {}))).toBeUndefined();
  });
});

describe('templates', () => {
  const provision = (body: Record<string, unknown>) => h.api<{ error?: { code: string; message: string }; waited?: Array<{ state: string }> }>('POST', '/templates/provision', body);
  const namespace = () => {
    const ns = `psa-tpl-${randomUUID().slice(0, 8)}`;
    extraNamespaces.push(ns);
    return ns;
  };

  test.each<[string, object, RegExp]>([
    [
      'a RoleBinding to cluster-admin',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'grab' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }] },
      /RoleBinding\/grab: .*\(kind-not-allowed\)/,
    ],
    [
      'a privileged hostPath pod',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'escape' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } } } },
      /Deployment\/escape: volume "root" is a hostPath.*\(host-path\).*privileged \(privileged\)/,
    ],
    ['a Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mine' } }, /Namespace\/mine/],
  ])('%s: 422 TEMPLATE_FORBIDDEN, and nothing is applied (not even the namespace)', async (_name, object, message) => {
    const ns = namespace();
    const content = JSON.stringify({
      apiVersion: 'template.openshift.io/v1',
      kind: 'Template',
      metadata: { name: 'evil' },
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'harmless' }, data: { a: '1' } }, object],
    });
    const res = await provision({ content, namespace: ns, waitSeconds: 0 });
    expect(res.status).toBe(422);
    expect(res.body.error!.code).toBe('TEMPLATE_FORBIDDEN');
    expect(res.body.error!.message).toMatch(message);
    await expect(core().readNamespace({ name: ns })).rejects.toMatchObject({ code: 404 });
  });

  test('into kube-system: 422 NAMESPACE_FORBIDDEN, nothing applied there', async () => {
    const res = await provision({ template: 'redis-persistent', namespace: 'kube-system', parameters: { DATABASE_SERVICE_NAME: 'psa-cache' }, waitSeconds: 0 });
    expect(res.status).toBe(422);
    expect(res.body.error!.code).toBe('NAMESPACE_FORBIDDEN');
    await expect(core().readNamespacedSecret({ namespace: 'kube-system', name: 'psa-cache' })).rejects.toMatchObject({ code: 404 });
  });

  test("an OpenShift-style template whose pods say nothing of security is admitted: Slipway fills in restricted's fields", async () => {
    const ns = namespace();
    const content = JSON.stringify({
      apiVersion: 'template.openshift.io/v1',
      kind: 'Template',
      metadata: { name: 'plain' },
      objects: [
        {
          apiVersion: 'apps.openshift.io/v1',
          kind: 'DeploymentConfig',
          metadata: { name: 'web', annotations: { 'template.alpha.openshift.io/wait-for-ready': 'true' } },
          spec: { replicas: 1, selector: { name: 'web' }, template: { metadata: { labels: { name: 'web' } }, spec: { containers: [{ name: 'web', image: '127.0.0.1:5000/web:1', ports: [{ containerPort: 8080 }] }] } } },
        },
      ],
    });
    const res = await provision({ content, namespace: ns, waitSeconds: 120 });
    expect(res.status).toBe(200);
    expect(res.body.waited).toEqual([expect.objectContaining({ state: 'ready' })]);
    const spec = (await h.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: ns, name: 'web' })).spec!.template.spec!;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0]!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect((await core().readNamespace({ name: ns })).metadata!.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  }, 200_000);

  test.each(['postgresql-persistent', 'mysql-persistent', 'mongodb-persistent', 'redis-persistent'])('built-in %s runs under restricted', async (template) => {
    const ns = namespace();
    const res = await provision({ template, namespace: ns, waitSeconds: 150 });
    expect(res.status).toBe(200);
    expect(res.body.waited).toEqual([expect.objectContaining({ state: 'ready' })]);
    const pods = (await core().listNamespacedPod({ namespace: ns })).items;
    expect(pods.map((p) => p.spec!.securityContext)).toEqual([expect.objectContaining({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999 })]);
  }, 200_000);
});

test('an app record in kube-system (written around the API) is refused again at deploy time: nothing applied there', async () => {
  const name = `psa-${randomUUID().slice(0, 8)}`;
  const deploy = { ...defaultDeployConfig(name), namespace: 'kube-system' };
  await h.t.services.apps.create({ name, repo: 'git://127.0.0.1:9419/x.git', branch: 'main', contextDir: '.', buildArgs: {}, port: 8080, deploy, createdAt: new Date().toISOString() }, 'a'.repeat(48));
  const app = await h.t.services.apps.get(name);
  const made = await makeRelease(h.t.services, { app, image: h.digest(), trigger: { kind: 'api' } });
  const failed = await settledRelease({ releases: h.t.services.releases, app: name, number: made.number, timeoutMs: 120_000 });
  expect(failed).toMatchObject({ status: 'failed', failure: { reason: 'NamespaceForbidden' } });
  expect(failed.failure!.message).toContain("kube-* namespaces are Kubernetes' own");
  await expect(h.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: 'kube-system', name })).rejects.toMatchObject({ code: 404 });
}, 180_000);
