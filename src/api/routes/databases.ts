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
  app.get('/databases', { schema: { response: { 200: { type: 'object', properties: { databases: { type: 'array', items: databaseSchema } } } } } }, async (request) => {
    const kc = deps.kubeConfig();
    const workloadsApi = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const labelSelector = PROVISIONED_SELECTOR;
    // Namespace by namespace, only where templates were provisioned or apps run: Slipway's
    // in-cluster RBAC grants nothing cluster-wide (deploy/kubernetes).
    const namespaces = [...new Set([...(await deps.redis.smembers(deps.keys.provisionedNamespaces)), ...(await deps.apps.list()).map((a) => a.deploy.namespace)])].sort();
    const found = await Promise.all(
      namespaces.map(async (namespace) => {
        try {
          const [statefulSets, deployments, services, secrets, claims] = await Promise.all([
            workloadsApi.listNamespacedStatefulSet({ namespace, labelSelector }),
            workloadsApi.listNamespacedDeployment({ namespace, labelSelector }),
            core.listNamespacedService({ namespace, labelSelector }),
            core.listNamespacedSecret({ namespace, labelSelector }),
            // Claims a StatefulSet creates carry its selector labels, not the template's.
            core.listNamespacedPersistentVolumeClaim({ namespace }),
          ]);
          // List responses leave kind off their items; the handlers need it.
          const workloads = [...statefulSets.items.map((s) => ({ ...s, kind: 'StatefulSet' })), ...deployments.items.map((d) => ({ ...d, kind: 'Deployment' }))];
          return describeDatabases({ workloads, services: services.items, claims: claims.items, secrets: secrets.items });
        } catch (error) {
          if (kubeStatus(error) === 404 || kubeStatus(error) === 403) return []; // gone, or no longer Slipway's to read
          throw new SlipwayError('CLUSTER_UNREACHABLE', `cannot list provisioned objects in ${namespace}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    request.log.debug({ namespaces }, 'listed provisioned databases');
    return { databases: found.flat() };
  });
}

function kubeStatus(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}
