import { AppsV1Api, CoreV1Api, type V1Deployment, type V1StatefulSet } from '@kubernetes/client-node';
import { SlipwayError } from '../errors.js';
import { appSelector, LABELS } from '../releases/render/labels.js';
import { workloadName as workloadNameOf } from '../releases/progressive/plan.js';
import type { Services } from '../services/services.js';
import type { AppStatus } from '../store/views.js';
import { appHealth } from './app-health.js';

/** Live health of an app's workload (ready/desired replicas and its pods), read from the cluster. */
export async function readAppStatus(deps: Pick<Services, 'apps' | 'releases' | 'kubeConfig'>, name: string): Promise<AppStatus> {
  const app = await deps.apps.get(name);
  const { namespace, kind } = app.deploy;
  const kc = deps.kubeConfig();
  const workloads = kc.makeApiClient(AppsV1Api);
  const running = await deps.releases.current(name);
  // The current release's workload: `<app>`, or its blue-green or canary side `<app>-r<n>`.
  const workloadName = running ? workloadNameOf({ app: name, release: running.number, config: running.config }) : name;
  try {
    const read: Promise<V1Deployment | V1StatefulSet> =
      kind === 'StatefulSet' ? workloads.readNamespacedStatefulSet({ namespace, name: workloadName }) : workloads.readNamespacedDeployment({ namespace, name: workloadName });
    const [workload, pods] = await Promise.all([
      read.catch((error: { code?: number }) => {
        if (error.code === 404) return undefined;
        throw error;
      }),
      // Hook pods lack app.kubernetes.io/name (src/releases/render/labels.ts), so these are the app's servers.
      kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: appSelector(name) }),
    ]);
    const health = appHealth({ namespace, workload: workload ?? undefined, pods: pods.items, releaseLabel: LABELS.release });
    return { app: name, ...health, kind: workload ? kind : undefined, currentRelease: running?.number ?? null };
  } catch (error) {
    if (error instanceof SlipwayError) throw error;
    throw new SlipwayError('CLUSTER_UNREACHABLE', `cannot read ${kind} ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}`, { app: name });
  }
}
