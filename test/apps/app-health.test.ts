import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { appHealth } from '../../src/apps/app-health.js';

const deployment = (replicas: number, status: V1Deployment['status']): V1Deployment => ({ kind: 'Deployment', spec: { replicas, selector: {}, template: {} }, status });
const pod = (name: string, opts: { ready?: boolean; waiting?: string; restarts?: number; deleting?: boolean } = {}): V1Pod => ({
  metadata: { name, labels: { 'slipway.dev/release': '3' }, ...(opts.deleting ? { deletionTimestamp: new Date() } : {}) },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: !!opts.ready, restartCount: opts.restarts ?? 0, state: opts.waiting ? { waiting: { reason: opts.waiting } } : { running: {} } }],
  },
});

test.each([
  ['no workload', undefined, 'not-deployed', 0],
  ['all ready and available', deployment(2, { readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 }), 'healthy', 2],
  ['one of two ready', deployment(2, { readyReplicas: 1, availableReplicas: 1 }), 'degraded', 1],
  ['none ready', deployment(1, {}), 'down', 0],
  ['ready but not yet available', deployment(1, { readyReplicas: 1, availableReplicas: 0 }), 'degraded', 1],
  ['scaled to zero', deployment(0, {}), 'stopped', 0],
] as const)('%s → %s', (_name, workload, state, ready) => {
  const health = appHealth({ namespace: 'shop', workload, pods: [], releaseLabel: 'slipway.dev/release' });
  expect(health.state).toBe(state);
  expect(health.ready).toBe(ready);
});

test('pods: ready, restarts, release and why a container waits; terminating pods are left out', () => {
  const health = appHealth({
    namespace: 'shop',
    workload: deployment(2, { readyReplicas: 1 }),
    pods: [pod('a', { ready: true }), pod('b', { waiting: 'CrashLoopBackOff', restarts: 4 }), pod('old', { deleting: true })],
    releaseLabel: 'slipway.dev/release',
  });
  expect(health.pods).toEqual([
    { name: 'a', phase: 'Running', ready: true, restarts: 0, release: '3', reason: undefined },
    { name: 'b', phase: 'Running', ready: false, restarts: 4, release: '3', reason: 'CrashLoopBackOff' },
  ]);
});
