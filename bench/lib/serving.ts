// Done, as the push-to-ready benchmark sees it from outside: the app's Service answers 2xx with the
// pushed code's marker through the API server's service proxy while every live pod is Ready.
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { waitFor } from '../../test/helpers/wait.js';
import { serviceProxyGet } from './service-proxy.js';

const POLL_MS = 200;

const isReady = (pod: V1Pod) => Boolean(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

/** Names of the pods matching `selector` now (none in a namespace that does not exist yet): the ones a rollout replaces. */
export async function podNames(params: { kc: KubeConfig; namespace: string; selector: string }): Promise<Set<string>> {
  const pods = await params.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: params.namespace, labelSelector: params.selector });
  return new Set(pods.items.map((p) => p.metadata?.name ?? ''));
}

/**
 * Polls every 200 ms from now until `service` (port `http`) answers 2xx through the API server's
 * service proxy with `marker` in its body and every pod matching `selector` that is not
 * terminating is Ready. Resolves with the moment it first saw both, and the moment it first saw a
 * new pod (one not in `old`) with its container running: the latter is free of the readiness
 * probe's 5 s quantisation.
 */
export async function serving(params: {
  kc: KubeConfig;
  namespace: string;
  service: string;
  selector: string;
  marker: string;
  old: Set<string>;
  timeoutMs: number;
}): Promise<{ runningAt: number; servedAt: number }> {
  const core = params.kc.makeApiClient(CoreV1Api);
  let last = 'not asked yet';
  let runningAt: number | undefined;
  return waitFor({
    timeoutMs: params.timeoutMs,
    intervalMs: POLL_MS,
    check: async () => {
      const pods = (await core.listNamespacedPod({ namespace: params.namespace, labelSelector: params.selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
      const fresh = pods.filter((p) => !params.old.has(p.metadata?.name ?? ''));
      if (runningAt === undefined && fresh.some((p) => p.status?.containerStatuses?.some((c) => c.state?.running))) runningAt = Date.now();
      if (runningAt === undefined) {
        last = `no new pod running yet (${fresh.map((p) => `${p.metadata?.name} ${p.status?.phase}`).join(', ') || 'none created'})`;
        return undefined;
      }
      const notReady = pods.filter((p) => !isReady(p));
      if (notReady.length) {
        last = `pods not all Ready: ${notReady.map((p) => `${p.metadata?.name} ${p.status?.phase}`).join(', ')}`;
        return undefined;
      }
      const answer = await serviceProxyGet({ kc: params.kc, namespace: params.namespace, service: params.service, port: 'http', path: 'ready-check' }).catch((error: unknown) => ({
        status: 0,
        body: String(error),
      }));
      if (answer.status < 200 || answer.status > 299 || !answer.body.includes(params.marker)) {
        last = `service proxy answered ${answer.status}: ${answer.body.slice(0, 160)}`;
        return undefined;
      }
      return { runningAt, servedAt: Date.now() };
    },
    message: () => `${params.service} in ${params.namespace} is not serving marker ${params.marker}: ${last}`,
  });
}
