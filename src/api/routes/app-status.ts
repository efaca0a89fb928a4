import { AppsV1Api, CoreV1Api, type V1Deployment, type V1StatefulSet } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import { appHealth } from '../../apps/app-health.js';
import { appSelector, LABELS } from '../../releases/render/labels.js';
import { SlipwayError } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';
import type { AppStatus } from '../../store/views.js';

const count = { type: 'integer' };
const statusSchema = {
  type: 'object',
  properties: {
    app: { type: 'string' },
    state: { type: 'string', enum: ['healthy', 'degraded', 'down', 'stopped', 'not-deployed'] },
    kind: { type: 'string' },
    namespace: { type: 'string' },
    desired: count,
    ready: count,
    updated: count,
    available: count,
    currentRelease: { type: ['integer', 'null'] },
    pods: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, phase: { type: 'string' }, ready: { type: 'boolean' }, restarts: count, release: { type: 'string' }, reason: { type: 'string' } },
      },
    },
  },
};

/** Live health of an app's workload (ready/desired replicas and its pods), read from the cluster. */
export default async function appStatusRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Params: { app: string } }>('/apps/:app/status', { schema: { params: appParams, response: { 200: statusSchema } } }, async (request) => {
    const target = await deps.apps.get(request.params.app);
    const { namespace, kind } = target.deploy;
    const kc = deps.kubeConfig();
    const workloads = kc.makeApiClient(AppsV1Api);
    const name = target.name;
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
      const status: AppStatus = { app: name, ...health, kind: workload ? kind : undefined, currentRelease: current?.number ?? null };
      return status;
    } catch (error) {
      if (error instanceof SlipwayError) throw error;
      throw new SlipwayError('CLUSTER_UNREACHABLE', `cannot read ${kind} ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}`, { app: name });
    }
  });
}
