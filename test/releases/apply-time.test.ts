import type { Manifest } from '../../src/releases/render/manifest.js';
import { applyTimeManifests, type ApplyTime } from '../../src/releases/render/apply-time.js';
import { renderManifests } from '../../src/releases/render/render.js';
import { dryRunObjects } from '../../src/releases/dry-run-objects.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { Release } from '../../src/store/types.js';

type Obj = Manifest & { spec: Record<string, any> };
const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const config = { ...defaultDeployConfig('shop'), host: 'shop.example.com' };
const manifests = renderManifests({ app: 'shop', release: 4, image, port: 8080, config });
const release = { app: 'shop', number: 4, config, manifests } as unknown as Release;
const none: ApplyTime = { replicas: undefined, autoscale: undefined, placement: { nodeSelector: {}, tolerations: [] }, ingressClass: undefined, pullSecret: undefined, runAs: undefined };
const find = (objects: Manifest[], kind: string) => objects.find((m) => m.kind === kind) as Obj | undefined;
const pod = (objects: Manifest[]) => find(objects, 'Deployment')!.spec.template.spec;

describe('what is added to a release when it is applied (render/apply-time.ts)', () => {
  test('nothing set: the stored manifests, unchanged', () => {
    expect(applyTimeManifests(release, manifests, none)).toEqual(manifests);
  });

  test.each<[string, Partial<ApplyTime>, (objects: Manifest[]) => unknown, unknown]>([
    ['the app scale', { replicas: 3 }, (o) => find(o, 'Deployment')!.spec.replicas, 3],
    ['an autoscaler: the HPA, and no replicas to fight it over', { replicas: 3, autoscale: { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 } }, (o) => [find(o, 'Deployment')!.spec.replicas, find(o, 'HorizontalPodAutoscaler')!.spec.maxReplicas], [undefined, 10]],
    ['placement', { placement: { nodeSelector: { 'slipway.dev/node': 'real' }, tolerations: [] } }, (o) => pod(o).nodeSelector, { 'slipway.dev/node': 'real' }],
    ['the install IngressClass', { ingressClass: 'traefik' }, (o) => find(o, 'Ingress')!.spec.ingressClassName, 'traefik'],
    ['the pull secret', { pullSecret: 'slipway-registry' }, (o) => pod(o).imagePullSecrets, [{ name: 'slipway-registry' }]],
    ['the namespace uid', { runAs: { runAsUser: 1000700000, fsGroup: 1000700000 } }, (o) => pod(o).securityContext.runAsUser, 1000700000],
  ])('%s', (_name, set, read, expected) => {
    expect(read(applyTimeManifests(release, manifests, { ...none, ...set }))).toEqual(expected);
  });

  test('a dry run shows exactly what the apply writes', () => {
    const at: ApplyTime = {
      replicas: 2,
      autoscale: undefined,
      placement: { nodeSelector: { 'slipway.dev/node': 'real' }, tolerations: [] },
      ingressClass: 'traefik',
      pullSecret: 'slipway-registry',
      runAs: { runAsUser: 1000700000, fsGroup: 1000700000 },
    };
    const dry = dryRunObjects({ release, replicas: 2, placement: at.placement, ingressClass: 'traefik', pullSecret: { name: 'slipway-registry' }, runAs: at.runAs });
    expect(dry.filter((o) => o.how === 'apply').map((o) => o.manifest)).toEqual(applyTimeManifests(release, manifests, at));
  });
});
