import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import { contentHash, envFromRefs } from '../../src/releases/render/render-config.js';
import { hookJobName, renderHookJob } from '../../src/releases/hooks/render-hook.js';
import { livenessProbe, readinessProbe } from '../../src/releases/render/render-probes.js';
import { deploymentStrategy } from '../../src/releases/render/render-strategy.js';
import { renderClaim, volumeWiring } from '../../src/releases/render/render-volumes.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { renderManifests } from '../../src/releases/render/render.js';
import { withReplicas } from '../../src/releases/render/with-replicas.js';
import type { DeployConfig, VolumeSpec } from '../../src/store/types.js';

const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const config = defaultDeployConfig('shop');
const volume = (accessMode: VolumeSpec['accessMode'], name = 'data'): VolumeSpec => ({ name, mountPath: `/${name}`, size: '1Gi', accessMode });
const rolling = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
type Obj = Manifest & { spec: Record<string, any> };

describe('deploymentStrategy', () => {
  test.each<[string, Partial<DeployConfig>, unknown]>([
    ['no volume: rolling, old pods serve until new ones are ready', {}, rolling],
    ['a ReadWriteOnce volume: Recreate', { volumes: [volume('ReadWriteOnce')] }, { type: 'Recreate' }],
    ['a ReadWriteOncePod volume: Recreate', { volumes: [volume('ReadWriteOncePod')] }, { type: 'Recreate' }],
    ['only ReadWriteMany volumes: rolling', { volumes: [volume('ReadWriteMany')] }, rolling],
    ['Recreate asked for', { strategy: { type: 'Recreate' } }, { type: 'Recreate' }],
    ['Rolling asked for wins over a RWO volume', { strategy: { type: 'Rolling' }, volumes: [volume('ReadWriteOnce')] }, rolling],
    ['Rolling with its own surge', { strategy: { type: 'Rolling', maxSurge: 2, maxUnavailable: '50%' } }, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: '50%' } }],
  ])('%s', (_name, patch, expected) => {
    expect(deploymentStrategy({ ...config, ...patch })).toEqual(expected);
  });

  test('a StatefulSet keeps its own update strategy', () => {
    const manifests = renderManifests({ app: 'shop', release: 1, image, port: 8080, config: { ...config, kind: 'StatefulSet', volumes: [volume('ReadWriteOnce')] } });
    expect((manifests.find((m) => m.kind === 'StatefulSet') as Obj).spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
  });
});

describe('probes', () => {
  test.each<[string, Partial<DeployConfig>, unknown, unknown]>([
    ['default: TCP readiness, no liveness', {}, { tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 3 }, undefined],
    ['readinessPath: HTTP readiness', { readinessPath: '/ready' }, { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 }, undefined],
    [
      'HTTP readiness on its own port wins over readinessPath',
      { readinessPath: '/ready', probes: { readiness: { type: 'http', path: '/healthz', port: 9000, periodSeconds: 2 } } },
      { httpGet: { path: '/healthz', port: 9000 }, periodSeconds: 2, failureThreshold: 3 },
      undefined,
    ],
    [
      'exec readiness, TCP liveness with a generous delay',
      { probes: { readiness: { type: 'exec', command: ['pg_isready'] }, liveness: { type: 'tcp' } } },
      { exec: { command: ['pg_isready'] }, periodSeconds: 5, failureThreshold: 3 },
      { tcpSocket: { port: 'http' }, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 3 },
    ],
    ['readiness off', { probes: { readiness: { type: 'off' } } }, undefined, undefined],
    [
      'HTTP liveness with its own timing',
      { probes: { liveness: { type: 'http', path: '/live', initialDelaySeconds: 5, failureThreshold: 6 } } },
      { tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
      { httpGet: { path: '/live', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 6 },
    ],
  ])('%s', (_name, patch, readiness, liveness) => {
    const c = { ...config, ...patch };
    expect(readinessProbe(c)).toEqual(readiness);
    expect(livenessProbe(c)).toEqual(liveness);
    const container = (renderManifests({ app: 'shop', release: 1, image, port: 8080, config: c }).find((m) => m.kind === 'Deployment') as Obj).spec.template.spec.containers[0];
    expect(container.readinessProbe).toEqual(readiness);
    expect(container.livenessProbe).toEqual(liveness);
  });
});

describe('envFrom', () => {
  const cm = `shop-env-${contentHash({ A: '1' })}`;
  test.each<[string, Partial<DeployConfig>, unknown[]]>([
    ['nothing', {}, []],
    ['env: its ConfigMap', { env: { A: '1' } }, [{ configMapRef: { name: cm } }]],
    ['secrets: their version', { secret: { version: 'abc123', keys: ['K'] } }, [{ secretRef: { name: 'shop-secret-abc123' } }]],
    [
      'links first, then env, then secrets (later wins on a shared key)',
      { links: ['postgresql'], env: { A: '1' }, secret: { version: 'abc123', keys: ['K'] } },
      [{ secretRef: { name: 'postgresql' } }, { configMapRef: { name: cm } }, { secretRef: { name: 'shop-secret-abc123' } }],
    ],
  ])('%s', (_name, patch, expected) => {
    expect(envFromRefs({ app: 'shop', namespace: 'shop', config: { ...config, ...patch } })).toEqual(expected);
  });

  test.each([
    ['key order does not matter', { A: '1', B: '2' }, { B: '2', A: '1' }, true],
    ['a value does', { A: '1' }, { A: '2' }, false],
    ['a key does', { A: '1' }, { B: '1' }, false],
  ])('content hash: %s', (_name, a, b, same) => {
    expect(contentHash(a) === contentHash(b)).toBe(same);
  });

  test('secret values are never rendered into a release', () => {
    const manifests = renderManifests({ app: 'shop', release: 1, image, port: 8080, config: { ...config, secret: { version: 'abc123', keys: ['PASSWORD'] } } });
    expect(manifests.map((m) => m.kind)).not.toContain('Secret');
  });
});

describe('volumes', () => {
  test('claims are mounted by name; the claim is labelled as the app\'s', () => {
    const c = { ...config, volumes: [volume('ReadWriteOnce'), { ...volume('ReadWriteMany', 'media'), storageClass: 'fast' }] };
    expect(volumeWiring('shop', c)).toEqual({
      volumes: [
        { name: 'vol-data', persistentVolumeClaim: { claimName: 'shop-data' } },
        { name: 'vol-media', persistentVolumeClaim: { claimName: 'shop-media' } },
      ],
      mounts: [
        { name: 'vol-data', mountPath: '/data' },
        { name: 'vol-media', mountPath: '/media' },
      ],
    });
    const spec = (renderManifests({ app: 'shop', release: 1, image, port: 8080, config: c }).find((m) => m.kind === 'Deployment') as Obj).spec.template.spec;
    expect(spec.volumes).toHaveLength(2);
    expect(spec.containers[0].volumeMounts).toHaveLength(2);
    expect(renderClaim({ app: 'shop', namespace: 'ns', volume: c.volumes[1]! })).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'shop-media', namespace: 'ns', labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/volume': 'media' } },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'fast' },
    });
  });

  test('a template\'s own pod spec gets the mounts and env refs added to its container', () => {
    const podTemplate = { container: 'web', labels: {}, spec: { containers: [{ name: 'web', image: ' ', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }], volumes: [{ name: 'tmp', emptyDir: {} }] } };
    const c = { ...config, podTemplate, env: { A: '1' }, volumes: [volume('ReadWriteOnce')] };
    const spec = (renderManifests({ app: 'shop', release: 1, image, port: 8080, config: c }).find((m) => m.kind === 'Deployment') as Obj).spec.template.spec;
    expect(spec.volumes.map((v: { name: string }) => v.name)).toEqual(['tmp', 'vol-data']);
    expect(spec.containers[0].volumeMounts.map((v: { name: string }) => v.name)).toEqual(['tmp', 'vol-data']);
    expect(spec.containers[0].envFrom).toEqual([{ configMapRef: { name: `shop-env-${contentHash({ A: '1' })}` } }]);
  });
});

describe('hook Jobs', () => {
  const hook = { command: ['sh', '-c', 'python manage.py migrate'], timeoutSeconds: 120, podAnnotations: { 'slipway.test/behaviour': 'job-fail' } };
  const c = { ...config, namespace: 'web', env: { A: '1' }, links: ['postgresql'], resources: { cpu: '100m' } };
  const job = renderHookJob({ app: 'shop', release: 7, image, port: 8080, config: c, phase: 'pre', hook }) as Obj;
  // An image deployed by digest, no commit: the version is the digest's short form.
  const hookWhat = { 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/component': 'hook', 'app.kubernetes.io/version': 'sha256-aaaaaaaaaaaa' };

  test('one attempt from the release image with its env, a deadline, kept for inspection', () => {
    expect(job.metadata).toEqual({ name: 'shop-pre-7', namespace: 'web', labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/hook': 'pre', 'slipway.dev/release': '7', ...hookWhat } });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 120, ttlSecondsAfterFinished: 86400 });
    const pod = job.spec.template;
    expect(pod.metadata.annotations).toEqual(hook.podAnnotations);
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.containers).toEqual([
      {
        name: 'hook',
        image,
        command: hook.command,
        env: [{ name: 'PORT', value: '8080' }, { name: 'SLIPWAY_HOOK', value: 'pre' }],
        envFrom: [{ secretRef: { name: 'postgresql' } }, { configMapRef: { name: `shop-env-${contentHash({ A: '1' })}` } }],
        resources: { requests: { cpu: '100m' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ]);
    // Pod Security `restricted`, which app namespaces enforce: a hook is admitted like the app's pods.
    expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('hook pods are not the app\'s pods: no app name label, so no Service endpoint and no rollout pod', () => {
    expect(job.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/hook-of': 'shop', 'slipway.dev/hook': 'pre', 'slipway.dev/release': '7', ...hookWhat });
  });

  test.each([
    [{ app: 'shop', phase: 'post' as const, release: 12 }, 'shop-post-12'],
    [{ app: 'a'.repeat(63), phase: 'pre' as const, release: 123 }, `${'a'.repeat(55)}-pre-123`],
    [{ app: `${'a'.repeat(55)}-bbbbbbbb`, phase: 'post' as const, release: 1 }, `${'a'.repeat(55)}-post-1`],
  ])('job name %#', (params, expected) => {
    expect(hookJobName(params)).toBe(expected);
    expect(hookJobName(params).length).toBeLessThanOrEqual(63);
  });
});

describe('withReplicas', () => {
  const manifests = renderManifests({ app: 'shop', release: 1, image, port: 8080, config: { ...config, replicas: 2, env: { A: '1' } } });
  test.each([
    [5, 5],
    [0, 0],
    [undefined, 2],
  ])('app scale %s → workload replicas %s, nothing else changes', (replicas, expected) => {
    const out = withReplicas(manifests, replicas);
    expect((out.find((m) => m.kind === 'Deployment') as Obj).spec.replicas).toBe(expected);
    expect(out.filter((m) => m.kind !== 'Deployment')).toEqual(manifests.filter((m) => m.kind !== 'Deployment'));
    expect((manifests.find((m) => m.kind === 'Deployment') as Obj).spec.replicas).toBe(2);
  });
});

test('a restart stamps the pod template, and only that', () => {
  const input = { app: 'shop', release: 4, image, port: 8080, config };
  const plain = (renderManifests(input).find((m) => m.kind === 'Deployment') as Obj).spec.template;
  const restarted = (renderManifests({ ...input, restartedAt: '2026-01-02T03:04:05.000Z' }).find((m) => m.kind === 'Deployment') as Obj).spec.template;
  expect(restarted.metadata.annotations).toEqual({ ...plain.metadata.annotations, 'slipway.dev/restartedAt': '2026-01-02T03:04:05.000Z' });
  expect(restarted.spec).toEqual(plain.spec);
});
