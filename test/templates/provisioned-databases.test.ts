import type { V1PersistentVolumeClaim, V1Secret, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { describeDatabases } from '../../src/templates/provisioned-databases.js';

// Objects shaped as the API server returns what redis-persistent provisions (and neighbours that must not match).
const sts = (namespace: string, name: string, ready: number): V1StatefulSet => ({
  kind: 'StatefulSet',
  metadata: { namespace, name, labels: { 'slipway.dev/template': 'redis-persistent', name } },
  spec: {
    replicas: 1,
    serviceName: name,
    selector: { matchLabels: { name } },
    template: {
      metadata: { labels: { name } },
      spec: { containers: [{ name: 'redis', image: 'redis:7', env: [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name, key: 'REDIS_PASSWORD' } } }] }] },
    },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }],
  },
  status: { replicas: 1, readyReplicas: ready },
});
const service = (namespace: string, name: string, selector: Record<string, string>): V1Service => ({ metadata: { namespace, name }, spec: { selector, ports: [{ port: 6379 }] } });
const secret = (namespace: string, name: string): V1Secret => ({ metadata: { namespace, name }, data: { REDIS_URL: 'cmVkaXM6Ly8=', REDIS_PASSWORD: 'cw==' } });
const claim = (namespace: string, name: string, labels: Record<string, string>): V1PersistentVolumeClaim => ({
  metadata: { namespace, name, labels },
  status: { phase: 'Bound', capacity: { storage: '1Gi' } },
});

test('each provisioned workload with its Secret keys, Services by selector and claims by selector labels', () => {
  const databases = describeDatabases({
    workloads: [sts('b', 'cache', 0), sts('a', 'redis', 1)],
    services: [service('a', 'redis', { name: 'redis' }), service('a', 'other', { name: 'other' }), service('b', 'redis', { name: 'redis' })],
    secrets: [secret('a', 'redis'), secret('a', 'unrelated'), secret('b', 'cache')],
    claims: [claim('a', 'data-redis-0', { name: 'redis' }), claim('a', 'data-other-0', { name: 'other' }), claim('b', 'data-cache-0', { name: 'cache' })],
  });
  expect(databases).toEqual([
    {
      namespace: 'a', name: 'redis', kind: 'StatefulSet', template: 'redis-persistent', image: 'redis:7', desired: 1, ready: 1, state: 'healthy',
      secrets: [{ name: 'redis', keys: ['REDIS_PASSWORD', 'REDIS_URL'] }],
      services: [{ name: 'redis', ports: [6379] }],
      volumes: [{ name: 'data-redis-0', phase: 'Bound', capacity: '1Gi' }],
      createdAt: undefined,
    },
    expect.objectContaining({ namespace: 'b', name: 'cache', state: 'down', services: [], secrets: [{ name: 'cache', keys: ['REDIS_PASSWORD', 'REDIS_URL'] }] }),
  ]);
  // Secret values never leave the function.
  expect(JSON.stringify(databases)).not.toContain('cmVkaXM6Ly8=');
});
