import type { Manifest } from '../../src/releases/render/manifest.js';
import { withAutoscale } from '../../src/releases/render/autoscaler.js';
import { renderManifests } from '../../src/releases/render/render.js';
import { withReplicas } from '../../src/releases/render/with-replicas.js';
import { autoscaleStatusOf } from '../../src/releases/cluster/read-autoscaler.js';
import { dryRunObjects } from '../../src/releases/dry-run-objects.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const base = defaultDeployConfig('shop');
type Obj = Manifest & { spec: Record<string, any> };
const render = (config: DeployConfig) => renderManifests({ app: 'shop', release: 4, image, port: 8080, config });
const applied = (config: DeployConfig, autoscale: DeployConfig['autoscale'], container = 'shop') =>
  withAutoscale(withReplicas(render(config), 3), { app: 'shop', container, autoscale }) as Obj[];
const find = (manifests: Obj[], kind: string) => manifests.find((m) => m.kind === kind)!;

describe('the autoscaler overlay (applied with every release from the app setting)', () => {
  test('no autoscaler: the manifests as they are, replicas included', () => {
    const manifests = render(base);
    expect(withAutoscale(manifests, { app: 'shop', container: 'shop', autoscale: undefined })).toBe(manifests);
    expect(find(applied(base, undefined), 'Deployment').spec.replicas).toBe(3);
  });

  test.each<[string, DeployConfig['kind'], NonNullable<DeployConfig['autoscale']>, Record<string, unknown>]>([
    [
      'CPU on a Deployment',
      'Deployment',
      { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 },
      {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    ],
    [
      'CPU and memory on a StatefulSet, with a scale-down delay',
      'StatefulSet',
      { minReplicas: 1, maxReplicas: 3, cpuPercent: 50, memoryPercent: 80, scaleDownDelaySeconds: 30 },
      {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'shop' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
      },
    ],
  ])('%s: an autoscaling/v2 HPA named and labelled like the workload, which loses its replicas', (_name, kind, autoscale, spec) => {
    const manifests = applied({ ...base, kind }, autoscale);
    const workload = find(manifests, kind);
    const hpa = find(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toEqual({ name: 'shop', namespace: 'shop', labels: workload.metadata.labels });
    expect(hpa.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'shop', 'slipway.dev/release': '4' });
    expect(hpa.spec).toEqual(spec);
    expect(workload.spec).not.toHaveProperty('replicas');
    // Last: the workload it targets is applied before it.
    expect(manifests[manifests.length - 1]).toBe(hpa);
  });

  test.each<[string, DeployConfig['resources'], NonNullable<DeployConfig['autoscale']>, Record<string, string>]>([
    ['no requests, CPU target: the default CPU request only', undefined, { minReplicas: 1, maxReplicas: 3, cpuPercent: 50 }, { cpu: '100m' }],
    ['no requests, memory target: the default memory request', undefined, { minReplicas: 1, maxReplicas: 3, memoryPercent: 50 }, { memory: '128Mi' }],
    ['both targets: both defaults', undefined, { minReplicas: 1, maxReplicas: 3, cpuPercent: 50, memoryPercent: 60 }, { cpu: '100m', memory: '128Mi' }],
    ["the app's own CPU request stays", { cpu: '50m' }, { minReplicas: 1, maxReplicas: 3, cpuPercent: 50 }, { cpu: '50m' }],
    ["the app's memory request stays, the missing CPU one is added", { memory: '64Mi' }, { minReplicas: 1, maxReplicas: 3, cpuPercent: 50 }, { memory: '64Mi', cpu: '100m' }],
  ])('requests: %s', (_name, resources, autoscale, requests) => {
    const container = find(applied({ ...base, ...(resources ? { resources } : {}) }, autoscale), 'Deployment').spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests });
  });

  test("a template's pod spec: only the release's container gets requests, a limit counts as a request", () => {
    const podTemplate = {
      container: 'web',
      labels: {},
      spec: { containers: [{ name: 'web', image: ' ', resources: { limits: { memory: '1Gi' } } }, { name: 'sidecar', image: 'busybox' }] },
    };
    const containers = find(applied({ ...base, service: false, podTemplate }, { minReplicas: 1, maxReplicas: 2, cpuPercent: 60, memoryPercent: 60 }, 'web'), 'Deployment').spec.template.spec.containers;
    expect(containers[0].resources).toEqual({ limits: { memory: '1Gi' }, requests: { cpu: '100m' } });
    expect(containers[1]).not.toHaveProperty('resources');
  });

  test('the rendered release itself never holds the HPA: it is the app setting of the moment', () => {
    const manifests = render({ ...base, autoscale: { minReplicas: 2, maxReplicas: 4, cpuPercent: 70 } });
    expect(manifests.map((m) => m.kind)).not.toContain('HorizontalPodAutoscaler');
  });
});

describe("an HPA's status as users read it", () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['no status yet', {}, { currentReplicas: 0, desiredReplicas: 0 }],
    [
      'scaled on CPU',
      {
        currentReplicas: 2,
        desiredReplicas: 3,
        lastScaleTime: new Date('2026-12-02T10:00:00Z'),
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 142, averageValue: '71m' } } }],
        conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
      },
      { currentReplicas: 2, desiredReplicas: 3, cpuPercent: 142, lastScaleTime: '2026-12-02T10:00:00.000Z' },
    ],
    [
      'no metrics: says why',
      { currentReplicas: 1, desiredReplicas: 0, conditions: [{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'unable to get metrics' }] },
      { currentReplicas: 1, desiredReplicas: 0, problem: 'FailedGetResourceMetric: unable to get metrics' },
    ],
  ])('%s', (_name, status, expected) => {
    expect(autoscaleStatusOf({ spec: { maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'shop' } }, status: status as never })).toEqual(expected);
  });
});

test('a dry run shows the HPA the release would apply, and the workload without replicas, with the placement added', () => {
  const config = { ...base, autoscale: { minReplicas: 2, maxReplicas: 5, cpuPercent: 60 } };
  const release = { app: 'shop', number: 4, image, config, port: 8080, manifests: render(config) } as never;
  const objects = dryRunObjects({ release, replicas: 1, placement: { nodeSelector: { pool: 'apps' }, tolerations: [] }, ingressClass: undefined });
  const kinds = objects.map((o) => o.manifest.kind);
  expect(kinds[kinds.length - 1]).toBe('HorizontalPodAutoscaler');
  const workload = objects.find((o) => o.manifest.kind === 'Deployment')!.manifest as Obj;
  expect(workload.spec).not.toHaveProperty('replicas');
  expect(workload.spec.template.spec).toMatchObject({ nodeSelector: { pool: 'apps' }, containers: [expect.objectContaining({ resources: { requests: { cpu: '100m' } } })] });
});
