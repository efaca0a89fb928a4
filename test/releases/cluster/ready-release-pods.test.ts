import { randomUUID } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import { LABELS } from '../../../src/releases/render/labels.js';
import { readyReleasePods } from '../../../src/releases/rollout/verify-release.js';
import { deleteNamespace, testKubeConfig } from '../../helpers/cluster.js';
import { waitFor } from '../../helpers/wait.js';

// The pods verification asks, against the real API server of test/env/k8s (the pods run on a
// kwok node, which makes them Ready; no request is sent to them here). A release Kubernetes has
// just called ready may not show its ready pod in a fresh list at once: an empty list is asked
// again for a while, and a pod that turns up meanwhile is found.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const namespace = `ready-pods-${randomUUID().slice(0, 8)}`;
const app = 'web';

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await deleteNamespace(kc, namespace);
});

function pod(name: string, release: number) {
  return {
    metadata: { name, namespace, labels: { [LABELS.name]: app, [LABELS.release]: String(release) } },
    spec: { containers: [{ name: app, image: 'slipway.local/none:1' }] },
  };
}

test('a ready pod that appears while the list is asked again is found', async () => {
  const found = readyReleasePods({ kc, namespace, app, release: 1, waitMs: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await core.createNamespacedPod({ namespace, body: pod('web-1-a', 1) });
  expect(await found).toEqual(['web-1-a']);
}, 90_000);

test("only the release's ready pods, and none after the wait when there are none", async () => {
  await core.createNamespacedPod({ namespace, body: pod('web-2-a', 2) });
  const ready = await waitFor({
    check: async () => {
      const pods = await readyReleasePods({ kc, namespace, app, release: 2, waitMs: 0 });
      return pods.length > 0 ? pods : undefined;
    },
    timeoutMs: 60_000,
    message: () => 'pod web-2-a never Ready on a kwok node',
  });
  expect(ready).toEqual(['web-2-a']);
  expect(await readyReleasePods({ kc, namespace, app, release: 3, waitMs: 1000 })).toEqual([]);
}, 90_000);
