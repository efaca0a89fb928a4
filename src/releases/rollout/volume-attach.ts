// A pod of the release stuck on a volume it cannot attach: pure, part of the rollout judgement
// (workload-status.ts). The pod shows only `ContainerCreating`, which is a wait; what it waits
// for is said only in Warning Events, by the attach-detach controller (FailedAttachVolume) and
// by the kubelet (FailedMount), so here Events decide, not only explain.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

/**
 * How long an attach the controller keeps retrying may fail before the release fails. A volume
 * still attached to a node its last pod just left (`Volume is already exclusively attached to
 * one node`) is detached within seconds to a minute, and a driver's attach error may pass; a
 * Multi-Attach naming a pod of this very release, and the kubelet giving up on the attach, never do.
 */
export const ATTACH_RETRY_SECONDS = 60;

export interface AttachFailure {
  pod: string;
  reason: 'VolumeAttachFailed';
  message: string;
}

/** `Multi-Attach error for volume "pvc-…" Volume is already used by pod(s) web-a, web-b` (attach-detach controller, reconciler.go). */
const USED_BY = /Multi-Attach error for volume .* Volume is already used by pod\(s\) (.+)$/;
/** The kubelet waited for the attach and gave up: `MountVolume.WaitForAttach failed ...`, or `unattached volumes=[data]: timed out waiting for the condition`. */
const WAIT_FOR_ATTACH = /WaitForAttach failed/;
const UNATTACHED = /unattached volumes=\[([^\]]*)\]/;
const TIMED_OUT = /timed out|deadline exceeded/i;

const HINT = 'a ReadWriteOnce volume attaches to one node at a time';

/**
 * The release's pods that wait on a volume attach that will not come, each with the Event that
 * says so. A pod counts only while it is stuck (no container started, not terminating) and only
 * with an Event from this rollout (`since`, whole seconds as Event times are).
 */
export function attachFailures(params: { pods: V1Pod[]; events: CoreV1Event[]; now: Date; since: number }): AttachFailure[] {
  const names = new Set(params.pods.map((p) => p.metadata?.name));
  return params.pods.filter(stuck).flatMap((pod): AttachFailure[] => {
    const name = pod.metadata?.name ?? '?';
    const own = params.events
      .filter((e) => e.type === 'Warning' && e.involvedObject.kind === 'Pod' && e.involvedObject.name === name)
      .filter((e) => !e.involvedObject.uid || !pod.metadata?.uid || e.involvedObject.uid === pod.metadata.uid)
      .filter((e) => lastSeen(e) >= params.since)
      .sort((a, b) => lastSeen(b) - lastSeen(a));
    const event = own.find((e) => decisive({ event: e, pod, releasePods: names, now: params.now, since: params.since }));
    if (!event) return [];
    const hint = event.reason === 'FailedAttachVolume' && event.message?.startsWith('Multi-Attach') ? ` (${HINT})` : '';
    return [{ pod: name, reason: 'VolumeAttachFailed', message: `${event.reason}: ${event.message ?? ''}${hint}` }];
  });
}

function decisive(params: { event: CoreV1Event; pod: V1Pod; releasePods: Set<string | undefined>; now: Date; since: number }): boolean {
  const { event, pod } = params;
  const message = event.message ?? '';
  if (event.reason === 'FailedMount') {
    // The kubelet already waited (about 2 minutes) for the attach: it will not come by itself.
    if (WAIT_FOR_ATTACH.test(message)) return true;
    const unattached = UNATTACHED.exec(message)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    const claims = new Set((pod.spec?.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.name));
    return TIMED_OUT.test(message) && unattached.some((v) => claims.has(v));
  }
  if (event.reason !== 'FailedAttachVolume') return false;
  // Pods of one release on one ReadWriteOnce claim (replicas > 1): neither will let go.
  const users = USED_BY.exec(message)?.[1]?.split(',').map((n) => n.trim()) ?? [];
  if (users.some((u) => params.releasePods.has(u))) return true;
  // Anything else the controller retries: fail only once it has kept failing a while.
  const first = Math.max(firstSeen(event), params.since);
  return params.now.getTime() - first >= ATTACH_RETRY_SECONDS * 1000;
}

/** Waiting to start: no container running or ended yet (ContainerCreating), and not being deleted. */
function stuck(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return !statuses.some((c) => c.state?.running || c.state?.terminated || c.lastState?.terminated);
}

function lastSeen(e: CoreV1Event): number {
  return new Date(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
}

function firstSeen(e: CoreV1Event): number {
  return new Date(e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
}
