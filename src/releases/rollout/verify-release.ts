import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { releaseSelector } from '../render/labels.js';
import { proxyGet } from '../cluster/proxy-get.js';
import { kubeMessage } from '../cluster/apply.js';
import { isPodReady } from './workload-status.js';
import { judgeVerification, verdictReached, verifyPlan, type Sample, type VerifyPlan } from './verification.js';
import type { Release, Verification } from '../../store/types.js';

/** How long an empty list of the release's ready pods is asked again (readyReleasePods). */
const READY_PODS_WAIT_MS = 10_000;

/**
 * Verifies a release Kubernetes calls ready (verifyRelease), or records why it is not verified
 * (verifyPlan). A cluster error while verifying is a failed verification: nothing showed the
 * release answers. `replicas` is the app's scale now.
 */
export async function verifyReadyRelease(params: { kc: KubeConfig; release: Release; replicas: number; installDefault: boolean }): Promise<Verification> {
  const { kc, release } = params;
  const plan = verifyPlan({ config: release.config, port: release.port, replicas: params.replicas, installDefault: params.installDefault });
  if ('off' in plan) return { state: 'off', message: plan.off };
  const startedAt = new Date().toISOString();
  try {
    return await verifyRelease({ kc, namespace: release.config.namespace, app: release.app, release: release.number, plan });
  } catch (error) {
    return { state: 'failed', message: `the release's pods could not be listed: ${kubeMessage(error)}`, path: plan.path, port: plan.port, requests: 0, failed: 0, startedAt, finishedAt: new Date().toISOString() };
  }
}

/**
 * Verifies a release that Kubernetes calls ready by asking it real questions: `plan.requests`
 * GETs, one at a time, round-robin over the release's ready pods, through the API server's pod
 * proxy. Stops as soon as the verdict is certain (too many failures already), so a release that
 * answers 500 is failed after a handful of requests rather than all of them.
 */
export async function verifyRelease(params: { kc: KubeConfig; namespace: string; app: string; release: number; plan: VerifyPlan }): Promise<Verification> {
  const { kc, namespace, plan } = params;
  const startedAt = new Date().toISOString();
  const pods = await readyReleasePods({ kc, namespace, app: params.app, release: params.release });
  const samples: Sample[] = [];
  while (pods.length > 0 && !verdictReached(samples, plan)) {
    const pod = pods[samples.length % pods.length]!;
    samples.push(await proxyGet({ kc, namespace, pod, port: plan.port, path: plan.path, timeoutMs: plan.timeoutSeconds * 1000 }));
  }
  return judgeVerification({ plan, samples, pods, startedAt, finishedAt: new Date().toISOString() });
}

/**
 * The release's ready pods, by name. Kubernetes has just called the release ready, yet once, on
 * the real node under load, a list 3 s later had no ready pod of it (the kubelet had recorded no
 * failed probe or exit): so an empty answer is asked again, every 500 ms for up to `waitMs`,
 * before verification concludes there is nobody to ask.
 */
export async function readyReleasePods(params: { kc: KubeConfig; namespace: string; app: string; release: number; waitMs?: number }): Promise<string[]> {
  const core = params.kc.makeApiClient(CoreV1Api);
  const until = Date.now() + (params.waitMs ?? READY_PODS_WAIT_MS);
  for (;;) {
    const listed = await core.listNamespacedPod({ namespace: params.namespace, labelSelector: releaseSelector(params.app, params.release) });
    const pods = listed.items
      .filter((p) => !p.metadata?.deletionTimestamp && isPodReady(p))
      .map((p) => p.metadata?.name ?? '')
      .filter(Boolean)
      .sort();
    if (pods.length > 0 || Date.now() >= until) return pods;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
