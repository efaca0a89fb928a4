import { renderHookJob } from '../../src/releases/hooks/render-hook.js';
import { releaseLabels } from '../../src/releases/render/labels.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { renderManifests } from '../../src/releases/render/render.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const image = '127.0.0.1:5000/shop@sha256:' + '0123456789ab'.repeat(5) + 'cdef';
const commit = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const config = defaultDeployConfig('shop');
type Obj = Manifest & { spec: Record<string, any> };

const app = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'slipway' };
const own = { ...app, 'slipway.dev/release': '3' };
const what = (component: string) => ({
  'app.kubernetes.io/instance': 'shop',
  'app.kubernetes.io/part-of': 'shop',
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/version': '9fceb02',
  'slipway.dev/commit': commit,
});

/** Each object's selector: a Service's, a workload's matchLabels; none for the rest. */
function selectors(manifests: Manifest[]): Record<string, unknown> {
  return Object.fromEntries(
    manifests.flatMap((m) => {
      const spec = (m as Obj).spec;
      if (m.kind === 'Service') return [[`${m.kind}/${m.metadata.name}`, spec.selector]];
      if (m.kind === 'Deployment' || m.kind === 'StatefulSet') return [[`${m.kind}/${m.metadata.name}`, spec.selector.matchLabels]];
      return [];
    }),
  );
}

describe('the labels that say what runs, on every object of a release', () => {
  // The selectors each release shape had before these labels: they must not move (a workload's
  // selector is immutable, a Service's must keep matching every release's pods).
  test.each<[string, Partial<DeployConfig>, Record<string, unknown>]>([
    ['Rolling, with env and a host', { env: { A: '1' }, host: 'shop.example.com' }, { 'Service/shop': app, 'Deployment/shop': app }],
    ['StatefulSet', { kind: 'StatefulSet' }, { 'Service/shop': app, 'Service/shop-pods': app, 'StatefulSet/shop': app }],
    ['Canary', { strategy: { type: 'Canary' } }, { 'Service/shop': app, 'Deployment/shop-r3': own }],
    ['BlueGreen with a host', { host: 'shop.example.com', strategy: { type: 'BlueGreen' } }, { 'Service/shop': own, 'Service/shop-preview': own, 'Deployment/shop-r3': own }],
    [
      'Canary behind a Gateway',
      { host: 'shop.example.com', strategy: { type: 'Canary', gatewayRef: { name: 'edge' } } },
      { 'Service/shop': app, 'Service/shop-r3': own, 'Deployment/shop-r3': own },
    ],
  ])('%s: every object and pod template labelled, selectors as before', (_name, change, expected) => {
    const manifests = renderManifests({ app: 'shop', release: 3, image, port: 8080, commit, config: { ...config, ...change } });
    for (const m of manifests) {
      expect(m.metadata.labels).toEqual({ ...app, ...what(m.kind === 'ConfigMap' ? 'config' : 'server'), ...(m.kind === 'ConfigMap' ? { 'slipway.dev/config': 'env' } : { 'slipway.dev/release': '3' }) });
      if (m.kind === 'Deployment' || m.kind === 'StatefulSet') expect((m as Obj).spec.template.metadata.labels).toEqual({ ...own, ...what('server') });
    }
    expect(selectors(manifests)).toEqual(expected);
  });

  test('every kind a release can hold is among those labelled', () => {
    const manifests = [
      ...renderManifests({ app: 'shop', release: 3, image, port: 8080, commit, config: { ...config, env: { A: '1' }, host: 'shop.example.com', strategy: { type: 'BlueGreen' } } }),
      ...renderManifests({ app: 'shop', release: 3, image, port: 8080, commit, config: { ...config, kind: 'StatefulSet' } }),
      ...renderManifests({ app: 'shop', release: 3, image, port: 8080, commit, config: { ...config, strategy: { type: 'Canary', gatewayRef: { name: 'edge' } } } }),
    ];
    expect(new Set(manifests.map((m) => m.kind))).toEqual(new Set(['ConfigMap', 'Service', 'Deployment', 'StatefulSet', 'Ingress', 'HTTPRoute']));
    for (const m of manifests) expect(m.metadata.labels!['slipway.dev/commit']).toBe(commit);
  });

  test("a template's pod labels stay, but for the version and the commit: those are always what the release runs", () => {
    const podTemplate = { container: 'web', labels: { name: 'web', 'app.kubernetes.io/component': 'web', 'app.kubernetes.io/version': '1.0' }, spec: { containers: [{ name: 'web', image: ' ' }] } };
    const deployment = renderManifests({ app: 'shop', release: 3, image, port: 8080, commit, config: { ...config, podTemplate } }).find((m) => m.kind === 'Deployment') as Obj;
    expect(deployment.spec.template.metadata.labels).toEqual({ name: 'web', ...own, ...what('web'), 'app.kubernetes.io/version': '9fceb02' });
    expect(deployment.spec.selector).toEqual({ matchLabels: app });
  });

  test('the labels do not shape the pods: the config hash is the same with or without a commit', () => {
    const hash = (m: Manifest[]) => (m.find((x) => x.kind === 'Deployment') as Obj).spec.template.metadata.annotations['slipway.dev/config-hash'];
    const input = { app: 'shop', release: 3, image, port: 8080, config };
    expect(hash(renderManifests({ ...input, commit }))).toBe(hash(renderManifests(input)));
  });

  test('hook Jobs and their pods: component hook and the commit, and the pods still without app.kubernetes.io/name', () => {
    const job = renderHookJob({ app: 'shop', release: 3, image, port: 8080, config, phase: 'pre', hook: { command: ['true'], timeoutSeconds: 60 }, commit }) as Obj;
    expect(job.metadata.labels).toEqual({ ...own, ...what('hook'), 'slipway.dev/hook': 'pre' });
    expect(job.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'slipway', ...what('hook'), 'slipway.dev/hook-of': 'shop', 'slipway.dev/hook': 'pre', 'slipway.dev/release': '3' });
  });
});

describe('releaseLabels', () => {
  test.each<[string, string | undefined, Record<string, string>]>([
    ['a build: the short commit and the full sha', commit, { 'app.kubernetes.io/version': '9fceb02', 'slipway.dev/commit': commit }],
    ['an image by digest: the digest short form, no commit', undefined, { 'app.kubernetes.io/version': 'sha256-0123456789ab' }],
    ['not a sha (never a label value it cannot be): as if none', 'main; rm -rf', { 'app.kubernetes.io/version': 'sha256-0123456789ab' }],
    ['a SHA-256 repository: the label holds 63 of its 64 digits', 'ab'.repeat(32), { 'app.kubernetes.io/version': 'ababababa'.slice(0, 7), 'slipway.dev/commit': 'ab'.repeat(32).slice(0, 63) }],
  ])('%s', (_name, given, expected) => {
    expect(releaseLabels({ app: 'shop', image, component: 'server', ...(given ? { commit: given } : {}) })).toEqual({
      'app.kubernetes.io/instance': 'shop',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/component': 'server',
      ...expected,
    });
  });

  test('an image not by digest and no commit: no version rather than a wrong one', () => {
    expect(releaseLabels({ app: 'shop', image: 'shop:latest', component: 'server' })).not.toHaveProperty(['app.kubernetes.io/version']);
  });
});
