import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { configHash, renderManifests } from '../../src/releases/render/render.js';

const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const base = { app: 'shop', release: 3, image, port: 8080, config: defaultDeployConfig('shop') };
type Obj = Manifest & { spec: Record<string, any> };
const kinds = (ms: Manifest[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
const find = (ms: Manifest[], kind: string) => ms.find((m) => m.kind === kind) as Obj;

describe('renderManifests', () => {
  test.each([
    ['Deployment', {}, ['Service/shop', 'Deployment/shop']],
    ['with a host: Ingress', { host: 'shop.example.com' }, ['Service/shop', 'Deployment/shop', 'Ingress/shop']],
    ['StatefulSet with its headless Service', { kind: 'StatefulSet' as const }, ['Service/shop', 'Service/shop-pods', 'StatefulSet/shop']],
    ['Canary: a side of its own', { strategy: { type: 'Canary' as const } }, ['Service/shop', 'Deployment/shop-r3']],
    ['BlueGreen: a side and the preview Service', { strategy: { type: 'BlueGreen' as const } }, ['Service/shop', 'Service/shop-preview', 'Deployment/shop-r3']],
    [
      'BlueGreen with a host: the preview Ingress too',
      { host: 'shop.example.com', strategy: { type: 'BlueGreen' as const } },
      ['Service/shop', 'Service/shop-preview', 'Deployment/shop-r3', 'Ingress/shop', 'Ingress/shop-preview'],
    ],
  ])('%s', (_name, config, expected) => {
    expect(kinds(renderManifests({ ...base, config: { ...base.config, ...config } }))).toEqual(expected);
  });

  test('labels everything, selects pods without the release, runs the image by digest', () => {
    const manifests = renderManifests(base);
    for (const m of manifests) {
      expect(m.metadata.namespace).toBe('shop');
      expect(m.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'shop',
        'app.kubernetes.io/managed-by': 'slipway',
        'slipway.dev/release': '3',
        // What runs (render-labels.test.ts): an image deployed by digest, so its digest's short form.
        'app.kubernetes.io/instance': 'shop',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/component': 'server',
        'app.kubernetes.io/version': 'sha256-aaaaaaaaaaaa',
      });
    }
    const deployment = find(manifests, 'Deployment');
    // The selector is immutable: it must not change from release to release.
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'slipway' } });
    expect(deployment.spec.template.metadata.labels['slipway.dev/release']).toBe('3');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe(image);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(find(manifests, 'Service').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('blue-green: the Service and the side select the release; the preview host mirrors the app host', () => {
    const manifests = renderManifests({ ...base, config: { ...base.config, host: 'shop.example.com', strategy: { type: 'BlueGreen' } } });
    const own = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/release': '3' };
    const services = manifests.filter((m) => m.kind === 'Service') as Obj[];
    expect(services.map((svc) => svc.spec.selector)).toEqual([own, own]);
    expect(find(manifests, 'Deployment').spec.selector).toEqual({ matchLabels: own });
    const ingresses = manifests.filter((m) => m.kind === 'Ingress') as Obj[];
    expect(ingresses.map((i) => [i.spec.rules[0].host, i.spec.rules[0].http.paths[0].backend.service.name])).toEqual([
      ['shop.example.com', 'shop'],
      ['shop-preview.example.com', 'shop-preview'],
    ]);
  });

  test('canary behind a Gateway: a Service of its own pods, and an HTTPRoute with the host in place of the Ingress', () => {
    const manifests = renderManifests({ ...base, config: { ...base.config, host: 'shop.example.com', strategy: { type: 'Canary', gatewayRef: { name: 'edge', namespace: 'gateways' } } } });
    expect(kinds(manifests)).toEqual(['Service/shop', 'Service/shop-r3', 'Deployment/shop-r3', 'HTTPRoute/shop']);
    const route = find(manifests, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gateways' }],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'shop-r3', port: 80, weight: 100 }] }],
    });
    expect((manifests.find((m) => m.metadata.name === 'shop-r3' && m.kind === 'Service') as Obj).spec.selector['slipway.dev/release']).toBe('3');
  });

  test('canary: the Service selects every pod of the app (the share is the pod count), the side only its own', () => {
    const manifests = renderManifests({ ...base, config: { ...base.config, strategy: { type: 'Canary', steps: [20, 100] } } });
    expect(find(manifests, 'Service').spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'slipway' });
    expect(find(manifests, 'Deployment').spec.selector.matchLabels['slipway.dev/release']).toBe('3');
  });

  test.each([
    ['default: TCP readiness on the port', {}, { tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 3 }],
    ['HTTP readiness path', { readinessPath: '/healthz' }, { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 }],
  ])('probe: %s', (_name, config, probe) => {
    const deployment = find(renderManifests({ ...base, config: { ...base.config, ...config } }), 'Deployment');
    expect(deployment.spec.template.spec.containers[0].readinessProbe).toEqual(probe);
  });

  test('env is PORT inline, the app env an immutable ConfigMap named by content; annotations carry the config hash', () => {
    const config = { ...base.config, env: { ZED: '1', ALPHA: '2' }, podAnnotations: { 'prometheus.io/scrape': 'true' }, resources: { cpu: '100m', memory: '128Mi' } };
    const manifests = renderManifests({ ...base, config });
    const template = find(manifests, 'Deployment').spec.template;
    const configMap = manifests[0] as Obj & { data: Record<string, string>; immutable: boolean };
    expect(configMap.kind).toBe('ConfigMap');
    expect(configMap.metadata.name).toMatch(/^shop-env-[0-9a-f]{10}$/);
    expect(configMap).toMatchObject({ immutable: true, data: { ALPHA: '2', ZED: '1' } });
    expect(template.spec.containers[0].env).toEqual([{ name: 'PORT', value: '8080' }]);
    expect(template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    expect(template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' } });
    expect(template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'slipway.dev/config-hash': configHash({ port: 8080, config }) });
  });

  test('links become envFrom Secret refs', () => {
    const container = find(renderManifests({ ...base, config: { ...base.config, links: ['postgresql'] } }), 'Deployment').spec.template.spec.containers[0];
    expect(container.envFrom).toEqual([{ secretRef: { name: 'postgresql' } }]);
  });

  test('a pod template brought by a template is kept, with the release image in its container', () => {
    const spec = {
      containers: [
        { name: 'web', image: ' ', env: [{ name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] },
        { name: 'sidecar', image: 'busybox' },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
    };
    const config = { ...base.config, service: false, links: ['db'], podTemplate: { container: 'web', labels: { name: 'web' }, spec } };
    const manifests = renderManifests({ ...base, config });
    expect(kinds(manifests)).toEqual(['Deployment/shop']);
    const template = find(manifests, 'Deployment').spec.template;
    expect(template.metadata.labels).toMatchObject({ name: 'web', 'slipway.dev/release': '3' });
    expect(template.spec.volumes).toEqual(spec.volumes);
    // What the template left unset of Pod Security `restricted` is filled in (the namespace enforces it).
    const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    // And the default graceful shutdown, which it does not say (render-shutdown.test.ts).
    const lifecycle = { preStop: { sleep: { seconds: 5 } } };
    expect(template.spec.containers[0]).toEqual({ ...spec.containers[0], image, envFrom: [{ secretRef: { name: 'db' } }], lifecycle, securityContext: restricted });
    expect(template.spec.containers[1]).toEqual({ ...spec.containers[1], securityContext: restricted });
    expect(template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0]!.image).toBe(' ');
    expect(spec).not.toHaveProperty('securityContext');
  });

  test('the app\'s pods meet Pod Security `restricted`: non-root, RuntimeDefault seccomp, no escalation, no capabilities', () => {
    for (const kind of ['Deployment', 'StatefulSet'] as const) {
      const pod = find(renderManifests({ ...base, config: { ...base.config, kind } }), kind).spec.template.spec;
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
  });

  test('rendering is deterministic', () => {
    expect(renderManifests(base)).toEqual(renderManifests(structuredClone(base)));
  });
});

describe('configHash', () => {
  const config = defaultDeployConfig('shop');
  test.each([
    ['env order does not matter', { env: { A: '1', B: '2' } }, { env: { B: '2', A: '1' } }, true],
    ['an env value does', { env: { A: '1' } }, { env: { A: '2' } }, false],
    ['replicas do', { replicas: 1 }, { replicas: 2 }, false],
    ['auto-deploy does not (it does not shape pods)', { autoDeploy: true }, { autoDeploy: false }, true],
  ])('%s', (_name, a, b, same) => {
    expect(configHash({ port: 8080, config: { ...config, ...a } }) === configHash({ port: 8080, config: { ...config, ...b } })).toBe(same);
  });
});
