import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { releaseSelector } from '../render/labels.js';
import { proxyGet } from '../cluster/proxy-get.js';
import { judgeVerification, verdictReached, type Sample, type VerifyPlan } from './verification.js';
import type { Verification } from '../../store/types.js';

/**
 * Verifies a release that Kubernetes calls ready by asking it real questions: `plan.requests`
 * GETs, one at a time, round-robin over the release's ready pods, through the API server's pod
 * proxy. Stops as soon as the verdict is certain (too many failures already), so a release that
 * answers 500 is failed after a handful of requests rather than all of them.
 */
export async function verifyRelease(params: { kc: KubeConfig; namespace: string; app: string; release: number; plan: VerifyPlan }): Promise<Verification> {
  const { kc, namespace, plan } = params;
  const startedAt = new Date().toISOString();
  const listed = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: releaseSelector(params.app, params.release) });
  const pods = listed.items
    .filter((p) => !p.metadata?.deletionTimestamp && isReady(p))
    .map((p) => p.metadata?.name ?? '')
    .filter(Boolean)
    .sort();
  const samples: Sample[] = [];
  while (pods.length > 0 && !verdictReached(samples, plan)) {
    const pod = pods[samples.length % pods.length]!;
    samples.push(await proxyGet({ kc, namespace, pod, port: plan.port, path: plan.path, timeoutMs: plan.timeoutSeconds * 1000 }));
  }
  return judgeVerification({ plan, samples, pods, startedAt, finishedAt: new Date().toISOString() });
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
