import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { SlipwayError } from '../errors.js';
import type { Services } from '../services/services.js';
import { managedNamespaces } from '../store/managed-namespaces.js';
import type { ProvisionedDatabase } from '../store/views.js';
import { describeDatabases, PROVISIONED_SELECTOR } from './provisioned-databases.js';

/** What templates provisioned (databases and the like), found by the labels provisioning puts on them. */
export async function listDatabases(deps: Pick<Services, 'apps' | 'provisions' | 'kubeConfig'>): Promise<{ namespaces: string[]; databases: ProvisionedDatabase[] }> {
  const kc = deps.kubeConfig();
  const workloadsApi = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const labelSelector = PROVISIONED_SELECTOR;
  // Namespace by namespace, only where templates were provisioned or apps run.
  const namespaces = await managedNamespaces(deps);
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
        const status = (error as { code?: number }).code;
        if (status === 404 || status === 403) return []; // gone, or no longer Slipway's to read
        throw new SlipwayError('CLUSTER_UNREACHABLE', `cannot list provisioned objects in ${namespace}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  return { namespaces, databases: found.flat() };
}
