import { CoreV1Api, StorageV1Api } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait.js';

// The test control plane itself: kwok nodes are Ready and PVCs bind (pre-created PVs), which
// StatefulSets with volume claims and app volumes rely on.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const namespace = `env-${randomUUID().slice(0, 8)}`;

afterAll(() => deleteNamespace(kc, namespace));

test('at least two Ready kwok nodes', async () => {
  const nodes = await core.listNode();
  const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  expect(ready.length).toBeGreaterThanOrEqual(2);
});

test('a default StorageClass exists and a 1Gi claim binds', async () => {
  const classes = await kc.makeApiClient(StorageV1Api).listStorageClass();
  expect(classes.items.some((c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')).toBe(true);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  });
  let phase: string | undefined;
  await waitFor({
    timeoutMs: 60_000,
    check: async () => {
      phase = (await core.readNamespacedPersistentVolumeClaim({ namespace, name: 'data' })).status?.phase;
      return phase === 'Bound' ? phase : undefined;
    },
    message: () => `PVC data is ${phase}`,
  });
});
