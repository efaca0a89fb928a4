import type { PodPlacement } from '../../src/config.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { withPlacement } from '../../src/releases/render/placement.js';

const REAL: PodPlacement = {
  nodeSelector: { 'slipway.dev/node': 'real' },
  tolerations: [{ key: 'slipway.dev/real-node', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
};
const TOLERATION = REAL.tolerations[0]!;
const NONE: PodPlacement = { nodeSelector: {}, tolerations: [] };

const meta = { name: 'shop', namespace: 'shop' };
const pod = (spec: Record<string, unknown> = {}) => ({ spec: { containers: [{ name: 'app' }], ...spec } });
const deployment = (spec?: Record<string, unknown>): Manifest => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replicas: 2, template: pod(spec) } });
const service: Manifest = { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: 80 }] } };
const configMap: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { A: '1' } };

describe('withPlacement: the install\'s node selector and tolerations on every pod spec', () => {
  test.each<[string, Manifest, PodPlacement, Manifest]>([
    ['a Deployment gets both', deployment(), REAL, deployment({ nodeSelector: REAL.nodeSelector, tolerations: [TOLERATION] })],
    [
      'a StatefulSet too',
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { serviceName: 'shop', template: pod() } },
      REAL,
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { serviceName: 'shop', template: pod({ nodeSelector: REAL.nodeSelector, tolerations: [TOLERATION] }) } },
    ],
    [
      'a hook Job',
      { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { backoffLimit: 0, template: pod({ restartPolicy: 'Never' }) } },
      REAL,
      { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { backoffLimit: 0, template: pod({ restartPolicy: 'Never', nodeSelector: REAL.nodeSelector, tolerations: [TOLERATION] }) } },
    ],
    [
      'a CronJob\'s job template',
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '@daily', jobTemplate: { spec: { template: pod() } } } },
      REAL,
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '@daily', jobTemplate: { spec: { template: pod({ nodeSelector: REAL.nodeSelector, tolerations: [TOLERATION] }) } } } },
    ],
    ['a bare Pod', { apiVersion: 'v1', kind: 'Pod', metadata: meta, ...pod() }, REAL, { apiVersion: 'v1', kind: 'Pod', metadata: meta, ...pod({ nodeSelector: REAL.nodeSelector, tolerations: [TOLERATION] }) }],
    ['a Service is left alone', service, REAL, service],
    ['a ConfigMap is left alone', configMap, REAL, configMap],
    [
      'the pod\'s own selector stays; the install\'s wins on a shared key',
      deployment({ nodeSelector: { disk: 'ssd', 'slipway.dev/node': 'kwok' } }),
      REAL,
      deployment({ nodeSelector: { disk: 'ssd', 'slipway.dev/node': 'real' }, tolerations: [TOLERATION] }),
    ],
    [
      'a toleration the pod already has is not added twice; its own stay first',
      deployment({ tolerations: [{ key: 'gpu', operator: 'Exists' }, { ...TOLERATION }] }),
      REAL,
      deployment({ nodeSelector: REAL.nodeSelector, tolerations: [{ key: 'gpu', operator: 'Exists' }, TOLERATION] }),
    ],
    [
      'a toleration with no operator is Equal (the Kubernetes default) and counts as the same',
      deployment({ tolerations: [{ key: 'slipway.dev/real-node', value: 'true', effect: 'NoSchedule' }] }),
      { nodeSelector: {}, tolerations: REAL.tolerations },
      deployment({ tolerations: [{ key: 'slipway.dev/real-node', value: 'true', effect: 'NoSchedule' }] }),
    ],
    [
      'only tolerations: no empty nodeSelector is written',
      deployment(),
      { nodeSelector: {}, tolerations: [{ key: 'dedicated', operator: 'Exists' }] },
      deployment({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }),
    ],
    [
      'only a selector: no empty tolerations list is written',
      deployment(),
      { nodeSelector: { zone: 'a' }, tolerations: [] },
      deployment({ nodeSelector: { zone: 'a' } }),
    ],
    ['no placement: unchanged', deployment({ nodeSelector: { disk: 'ssd' } }), NONE, deployment({ nodeSelector: { disk: 'ssd' } })],
  ])('%s', (_name, manifest, placement, expected) => {
    expect(withPlacement([manifest], placement)).toEqual([expected]);
  });

  test('the release\'s manifests are not changed in place (they are the stored record)', () => {
    const manifests = [deployment(), service];
    const before = structuredClone(manifests);
    withPlacement(manifests, REAL);
    expect(manifests).toEqual(before);
  });
});
