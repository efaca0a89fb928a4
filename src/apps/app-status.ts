import { AppsV1Api, CoreV1Api, type V1Deployment, type V1StatefulSet } from '@kubernetes/client-node';
import { SlipwayError } from '../errors.js';
import { appSelector, LABELS } from '../releases/render/labels.js';
import type { Services } from '../services/services.js';
import type { AppStatus } from '../store/views.js';
import { appHealth } from './app-health.js';

/** Live health of an app's workload (ready/desired replicas and its pods), read from the cluster. */
export async function readAppStatus(deps: Pick<Services, 'apps' | 'releases' | 'kubeConfig'>, name: string): Promise<AppStatus> {
  const app = await deps.apps.get(name);
  const { namespace, kind } = app.deploy;
  const kc = deps.kubeConfig();
  const workloads = kc.makeApiClient(AppsV1Api);
  try {
    const read: Promise<V1Deployment | V1StatefulSet> =
      kind === 'StatefulSet' ? workloads.readNamespacedStatefulSet({ namespace, name }) : workloads.readNamespacedDeployment({ namespace, name });
    const [workload, pods, current] = await Promise.all([
      read.catch((error: { code?: number }) => {
        if (error.code === 404) return undefined;
        throw error;
      }),
      // Hook pods lack app.kubernetes.io/name (src/releases/render/labels.ts), so these are the app's servers.
      kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: appSelector(name) }),
      deps.releases.current(name),
    ]);
    const health = appHealth({ namespace, workload: workload ?? undefined, pods: pods.items, releaseLabel: LABELS.release });
    return { app: name, ...health, kind: workload ? kind : undefined, currentRelease: current?.number ?? null };
  } catch (error) {
    if (error instanceof SlipwayError) throw error;
    throw new SlipwayError('CLUSTER_UNREACHABLE', `cannot read ${kind} ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}`, { app: name });
  }
}
