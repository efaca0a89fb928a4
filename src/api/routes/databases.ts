import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '../../errors.js';
import { describeDatabases, PROVISIONED_SELECTOR } from '../../templates/provisioned-databases.js';
import type { ApiDeps } from '../deps.js';

const named = (extra: Record<string, unknown>) => ({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, ...extra } } });
const databaseSchema = {
  type: 'object',
  properties: {
    namespace: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    template: { type: 'string' },
    image: { type: 'string' },
    desired: { type: 'integer' },
    ready: { type: 'integer' },
    state: { type: 'string' },
    secrets: named({ keys: { type: 'array', items: { type: 'string' } } }),
    services: named({ ports: { type: 'array', items: { type: 'integer' } } }),
    volumes: named({ phase: { type: 'string' }, capacity: { type: 'string' } }),
    createdAt: { type: 'string' },
  },
};

/** What templates provisioned (databases and the like), found by the labels provisioning puts on them. */
export default async function databaseRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/databases', { schema: { response: { 200: { type: 'object', properties: { databases: { type: 'array', items: databaseSchema } } } } } }, async () => {
    const kc = deps.kubeConfig();
    const workloadsApi = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const labelSelector = PROVISIONED_SELECTOR;
    try {
      const [statefulSets, deployments, services, secrets] = await Promise.all([
        workloadsApi.listStatefulSetForAllNamespaces({ labelSelector }),
        workloadsApi.listDeploymentForAllNamespaces({ labelSelector }),
        core.listServiceForAllNamespaces({ labelSelector }),
        core.listSecretForAllNamespaces({ labelSelector }),
      ]);
      // List responses leave kind off their items; the handlers need it.
      const workloads = [
        ...statefulSets.items.map((s) => ({ ...s, kind: 'StatefulSet' })),
        ...deployments.items.map((d) => ({ ...d, kind: 'Deployment' })),
      ];
      // Claims a StatefulSet creates carry its selector labels, not the template's: list them per namespace.
      const namespaces = [...new Set(workloads.map((w) => w.metadata?.namespace ?? 'default'))];
      const claims = (await Promise.all(namespaces.map((namespace) => core.listNamespacedPersistentVolumeClaim({ namespace })))).flatMap((l) => l.items);
      return { databases: describeDatabases({ workloads, services: services.items, claims, secrets: secrets.items }) };
    } catch (error) {
      throw new SlipwayError('CLUSTER_UNREACHABLE', `cannot list provisioned objects: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
