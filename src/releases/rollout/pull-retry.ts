// Whether a container's waiting failure is the answer or a moment the kubelet will retry past
// (an image pull, or its own cache of a ConfigMap or Secret): a pure function of one container's
// waiting state and its pod, shared by the rollout and hook judges.
import type { V1Pod } from '@kubernetes/client-node';

export const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff']);

/**
 * How long a pull may fail for a reason that can pass (401, a refused connection, a bare
 * "Back-off pulling image") before the failure is final. The kubelet retries after 10 s, then
 * 20 s; 30 s from the pod's start leaves room for one retry. Seen on the real node: a pod
 * created in a namespace moments after its pull secret was first listed is pulled without
 * credentials (the Node authorizer has not linked the pod to the Secret yet, so the kubelet may
 * not read it: "no relationship found between node and this object"), answered 401, and pulled
 * fine 13 s later on the kubelet's retry.
 */
export const PULL_RETRY_SECONDS = 30;

// What the registry says when the image is not there to pull; retrying cannot change it.
const FINAL = /not found|manifest unknown|name unknown|invalid reference|repository does not exist/i;

/**
 * The kubelet could not yet read a ConfigMap or Secret the pod names: the same Node authorizer
 * race, on the real node, for a pod created moments after its env ConfigMap ("failed to sync
 * configmap cache: timed out waiting for the condition"); the kubelet's next sync starts it.
 * A ConfigMap or Secret that does not exist says "not found" and is final at once.
 */
const CACHE_NOT_SYNCED = /failed to sync (configmap|secret) cache/i;

/**
 * True when a waiting reason should fail the rollout (or hook) now. A pull failure and a
 * CreateContainerConfigError from the kubelet's unsynced cache wait out the retry window; any
 * other waiting reason given here is final.
 */
export function waitingFailureIsFinal(params: { reason: string; message: string | undefined; pod: V1Pod; now: Date }): boolean {
  if (PULL_REASONS.has(params.reason)) return pullFailureIsFinal(params);
  if (params.reason === 'CreateContainerConfigError' && CACHE_NOT_SYNCED.test(params.message ?? '')) return retryWindowPassed(params);
  return true;
}

/**
 * True when a waiting reason of ErrImagePull/ImagePullBackOff should fail the rollout now:
 * the registry says the image does not exist, or the pod has failed to pull for
 * PULL_RETRY_SECONDS since the kubelet took it (`status.startTime`, else its creation).
 */
export function pullFailureIsFinal(params: { message: string | undefined; pod: V1Pod; now: Date }): boolean {
  if (FINAL.test(params.message ?? '')) return true;
  return retryWindowPassed(params);
}

/** The pod has been with the kubelet (`status.startTime`, else created) for PULL_RETRY_SECONDS. */
function retryWindowPassed(params: { pod: V1Pod; now: Date }): boolean {
  const since = params.pod.status?.startTime ?? params.pod.metadata?.creationTimestamp;
  if (!since) return true;
  return params.now.getTime() - new Date(since).getTime() >= PULL_RETRY_SECONDS * 1000;
}
