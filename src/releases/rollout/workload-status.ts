// Rollout status as a pure function of fetched objects (modelled on Garden's
// core/src/plugins/kubernetes/status/workload.ts): the watcher fetches, this decides, the caller acts.
// No I/O here, so every rule is covered by table tests built from API-server-shaped snapshots.
import type {
  CoreV1Event,
  V1ContainerStatus,
  V1Deployment,
  V1ObjectMeta,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { waitingFailureIsFinal } from './pull-retry.js';
import { attachFailures } from './volume-attach.js';

export type WorkloadState = 'ready' | 'deploying' | 'failed';
export type RolloutFailureReason =
  | 'CrashLoopBackOff' | 'ImagePullBackOff' | 'ErrImagePull' | 'InvalidImageName'
  | 'CreateContainerConfigError' | 'CreateContainerError' | 'RunContainerError'
  | 'RestartsExceeded' | 'ProgressDeadlineExceeded' | 'ReadinessDeadlineExceeded' | 'ReplicaFailure' | 'PodFailed'
  // issue 19: a pod stuck on a volume it cannot attach (Multi-Attach, FailedAttachVolume): volume-attach.ts.
  | 'VolumeAttachFailed';

export interface PodProblem { pod: string; container?: string; reason: string; message?: string; restartCount?: number; exitCode?: number; log?: string }

export interface WorkloadStatus {
  state: WorkloadState;
  /** Short machine reason. */
  reason?: RolloutFailureReason | 'Progressing' | 'Available';
  /** One human sentence; names the pod/container at fault. */
  message: string;
  /** Pods that explain a failure or a wait (empty when ready). */
  pods: PodProblem[];
}

export interface WorkloadObservation {
  workload: V1Deployment | V1StatefulSet;
  /** Pods of THIS rollout only (selected by release label); terminating pods are ignored. */
  pods: V1Pod[];
  /**
   * Events involving the workload, its ReplicaSets and pods: used to explain, and to decide only
   * where nothing else says it (a pod waiting on a volume attach: volume-attach.ts).
   */
  events?: CoreV1Event[];
  now: Date;
  startedAt: Date;
  readinessDeadlineSeconds: number;
  /** A container restarted this often fails the rollout even if Running now; 0 disables the check. */
  maxRestarts: number;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet';

// Waiting reasons that do not fix themselves without a new release (bad image, missing secret,
// broken command, crashing process). Anything else (ContainerCreating, PodInitializing) is a wait,
// and so is a pull failure the kubelet may still retry past (pull-retry.ts).
const FATAL_WAITING = new Set<RolloutFailureReason>([
  'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
]);

type Failure = PodProblem & { reason: RolloutFailureReason };
interface Progress { ready: boolean; detail: string }
interface KindHandler {
  /** A failure the workload object itself reports, if any. */
  failure(o: WorkloadObservation): WorkloadStatus | undefined;
  /** Whether the controller reports the rollout complete, with a "1 of 2 ready" style detail. */
  progress(o: WorkloadObservation): Progress;
}

export function checkWorkloadStatus(o: WorkloadObservation): WorkloadStatus {
  // A terminating pod (old, or replaced after a crash) says nothing about where the rollout is going.
  const pods = o.pods.filter((p) => !p.metadata?.deletionTimestamp);
  const handler = handlers[workloadKind(o.workload)];

  // 1. Pods first. kubectl rollout status never fails on CrashLoopBackOff (kubernetes#18568): it
  // waits for ProgressDeadlineExceeded, 600 s by default, and where the Progressing condition keeps
  // being refreshed while pods crash (argo-rollouts#3765) that deadline may never come.
  // A pod in ContainerCreating waiting on a volume another node holds says so only in Events.
  const failures = [
    ...pods.flatMap((p) => podFailures(p, o.maxRestarts, o.now)),
    ...attachFailures({ pods, events: o.events ?? [], now: o.now, since: eventsSince(o) }),
  ];
  const first = failures[0];
  if (first) {
    const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : '';
    return { state: 'failed', reason: first.reason, message: `${describe(first)}${more}`, pods: failures };
  }

  // 2. What the controller itself reports (Deployment conditions).
  const reported = handler.failure(o);
  if (reported) return reported;

  // 3. Ready means the controller says so, not merely that some pods are Running.
  const progress = handler.progress(o);
  if (progress.ready) return { state: 'ready', reason: 'Available', message: progress.detail, pods: [] };

  // 4. Still waiting: explain with the pods that are not Ready, and give up at the per-app deadline.
  const waiting = pods.filter((p) => !isPodReady(p)).map((p) => notReadyProblem(p, o));
  if (o.now.getTime() - o.startedAt.getTime() > o.readinessDeadlineSeconds * 1000) {
    const why = waiting[0] ? `; ${describe(waiting[0])}` : explainNoPods(o);
    return {
      state: 'failed',
      reason: 'ReadinessDeadlineExceeded',
      message: `not ready ${o.readinessDeadlineSeconds}s after the rollout started: ${progress.detail}${why}`,
      pods: waiting,
    };
  }
  return { state: 'deploying', reason: 'Progressing', message: `waiting: ${progress.detail}`, pods: waiting };
}

const handlers: Record<WorkloadKind, KindHandler> = {
  Deployment: {
    failure(o) {
      const d = o.workload as V1Deployment;
      // Until the new generation is observed, conditions describe the PREVIOUS spec (e.g. the release
      // being replaced may have hit its deadline); judging by them would fail a fresh rollout.
      if (!generationObserved(d)) return undefined;
      const name = `deployment ${d.metadata?.name ?? '?'}`;
      const conditions = d.status?.conditions ?? [];
      const deadline = conditions.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
      if (deadline) return failed('ProgressDeadlineExceeded', `${name}: ${deadline.message ?? 'progress deadline exceeded'}`);
      const replicaFailure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
      // The controller copies ReplicaFailure from ANY of the Deployment's ReplicaSets, and an old
      // one keeps it until the ReplicaSet controller next syncs it: once every desired replica
      // runs the current template, the failure is about pods nobody wants any more (seen right
      // after a rollback away from a release whose pods a quota refused).
      if (replicaFailure && !deploymentProgress(d).ready) {
        // The condition copies the ReplicaSet's FailedCreate message (quota, admission, PSA); the
        // event is a fallback when the condition carries none.
        const text = replicaFailure.message ?? latestWarning(o, (e) => e.reason === 'FailedCreate')?.message;
        return failed('ReplicaFailure', `${name}: ${replicaFailure.reason ?? 'ReplicaFailure'}: ${text ?? 'cannot create pods'}`);
      }
      return undefined;
    },
    progress: (o) => deploymentProgress(o.workload as V1Deployment),
  },
  StatefulSet: {
    // StatefulSets have no standard failure conditions; pods (step 1) and the deadline cover them.
    failure: () => undefined,
    progress(o) {
      const s = o.workload as V1StatefulSet;
      const desired = s.spec?.replicas ?? 1;
      const st = s.status;
      const ready = st?.readyReplicas ?? 0;
      const updated = st?.updatedReplicas ?? 0;
      if (!generationObserved(s)) return { ready: false, detail: generationDetail(s) };
      const strategy = s.spec?.updateStrategy;
      // OnDelete never converges on its own (pods are replaced only when someone deletes them), so
      // only readiness applies there, as in `kubectl rollout status`.
      const rolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
      const partition = rolling ? strategy?.rollingUpdate?.partition ?? 0 : 0;
      const updatedOk = !rolling || (partition > 0 ? updated >= desired - partition : updated === desired);
      // With a partition, ordinals below it stay on the old revision by design.
      const revisionOk = !rolling || partition > 0 || !st?.currentRevision || !st.updateRevision || st.currentRevision === st.updateRevision;
      const availableOk = st?.availableReplicas === undefined || st.availableReplicas === desired;
      if (ready === desired && updatedOk && revisionOk && availableOk) {
        return { ready: true, detail: `all ${desired} replicas updated and ready` };
      }
      const revision = revisionOk ? '' : `, revision ${st?.currentRevision} -> ${st?.updateRevision} in progress`;
      return { ready: false, detail: `${ready} of ${desired} replicas ready, ${updated} updated${revision}` };
    },
  },
};

/** Whether every desired replica runs the current template, ready and available, and no old one is left. */
function deploymentProgress(d: V1Deployment): Progress {
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const [replicas, updated, ready, available] = [s.replicas ?? 0, s.updatedReplicas ?? 0, s.readyReplicas ?? 0, s.availableReplicas ?? 0];
  if (!generationObserved(d)) return { ready: false, detail: generationDetail(d) };
  // status.replicas === desired: pods of the old ReplicaSet are gone, so no old version serves.
  const done = updated === desired && replicas === desired && ready === desired && available === desired;
  const old = replicas > updated ? `, ${replicas - updated} old pending termination` : '';
  return done
    ? { ready: true, detail: `all ${desired} replicas updated, ready and available` }
    : { ready: false, detail: `${ready} of ${desired} replicas ready, ${updated} updated, ${available} available${old}` };
}

/** Lists from the API server omit `kind` on items, so fall back to fields only a StatefulSet has. */
function workloadKind(w: V1Deployment | V1StatefulSet): WorkloadKind {
  if (w.kind === 'Deployment' || w.kind === 'StatefulSet') return w.kind;
  const s = w as V1StatefulSet;
  return s.spec?.serviceName !== undefined || s.status?.updateRevision !== undefined ? 'StatefulSet' : 'Deployment';
}

function generationObserved(w: { metadata?: V1ObjectMeta; status?: { observedGeneration?: number } }): boolean {
  return (w.status?.observedGeneration ?? 0) >= (w.metadata?.generation ?? 0);
}

function generationDetail(w: { metadata?: V1ObjectMeta; status?: { observedGeneration?: number } }): string {
  return `controller has not observed generation ${w.metadata?.generation ?? 0} yet (observed ${w.status?.observedGeneration ?? 0})`;
}

function failed(reason: RolloutFailureReason, message: string): WorkloadStatus {
  return { state: 'failed', reason, message, pods: [] };
}

function podFailures(pod: V1Pod, maxRestarts: number, now: Date): Failure[] {
  const name = pod.metadata?.name ?? '?';
  if (pod.status?.phase === 'Failed') {
    // e.g. Evicted, or a node shutdown: the pod will never become Ready.
    const why = [pod.status.reason, pod.status.message].filter(Boolean).join(': ');
    return [{ pod: name, reason: 'PodFailed', ...(why ? { message: why } : {}) }];
  }
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []).map((c) => ({ c, init: true })),
    ...(pod.status?.containerStatuses ?? []).map((c) => ({ c, init: false })),
  ];
  return statuses.flatMap(({ c, init }): Failure[] => {
    const waiting = c.state?.waiting?.reason;
    // The exit code of the run that ended: the one terminated now, else the one before it.
    const exitCode = (c.state?.terminated ?? c.lastState?.terminated)?.exitCode;
    const base = { pod: name, container: c.name, restartCount: c.restartCount, ...(exitCode !== undefined ? { exitCode } : {}) };
    if (waiting && FATAL_WAITING.has(waiting as RolloutFailureReason) && waitingFailureIsFinal({ reason: waiting, message: c.state?.waiting?.message, pod, now })) {
      const message = joinMessage(c.state?.waiting?.message, lastExit(c));
      return [{ ...base, reason: waiting as RolloutFailureReason, ...(message ? { message } : {}) }];
    }
    const crashed = terminatedCrash(c, init);
    if (crashed) return [{ ...base, reason: 'CrashLoopBackOff', message: crashed }];
    // Restarts count even when the container is Running right now: a process that dies every few
    // minutes passes readiness between crashes and would otherwise be promoted.
    if (maxRestarts > 0 && c.restartCount >= maxRestarts) {
      const message = joinMessage(`limit ${maxRestarts}`, lastExit(c));
      return [{ ...base, reason: 'RestartsExceeded', message }];
    }
    return [];
  });
}

/**
 * A real kubelet shows `waiting: CrashLoopBackOff` only while a back-off runs; between back-offs
 * (and for a moment after each exit) the container is `terminated` (reason Error, Completed,
 * OOMKilled) with `restartCount` rising and `lastState.terminated` holding the run before. kwok
 * shows the waiting reason all along, so judging by it alone catches a crash loop on kwok and
 * lets one slip by on a real node until the back-off happens to be sampled. A container that
 * has already been restarted and is terminated again is the same crash loop, whatever the exit
 * code: an app container exiting 0 under `restartPolicy: Always` (Completed) loops too. An init
 * container that finished with 0 is done, not crashing. The first exit (restartCount 0) is not
 * judged: the kubelet restarts it at once, and the next exit is.
 */
function terminatedCrash(c: V1ContainerStatus, init: boolean): string | undefined {
  const t = c.state?.terminated;
  if (!t || c.restartCount < 1) return undefined;
  if (init && t.exitCode === 0) return undefined;
  return joinMessage(`exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''} and is being restarted`, lastExit(c));
}

function lastExit(c: V1ContainerStatus): string | undefined {
  const t = c.lastState?.terminated;
  return t ? `last exit code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}` : undefined;
}

function joinMessage(...parts: (string | undefined)[]): string | undefined {
  const text = parts.filter(Boolean).join('; ');
  return text || undefined;
}

/** `pod web-7d9c-abc container web: CrashLoopBackOff (restarted 3 times): back-off 10s ...` */
function describe(p: PodProblem): string {
  const container = p.container ? ` container ${p.container}` : '';
  const restarts = p.restartCount ? ` (restarted ${p.restartCount} time${p.restartCount === 1 ? '' : 's'})` : '';
  return `pod ${p.pod}${container}: ${p.reason}${restarts}${p.message ? `: ${p.message}` : ''}`;
}

/** The pod's Ready condition is True (the kubelet's readiness probe passed). */
export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function notReadyProblem(pod: V1Pod, o: WorkloadObservation): PodProblem {
  const name = pod.metadata?.name ?? '?';
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    return { pod: name, reason: scheduled.reason ?? 'Unschedulable', ...(scheduled.message ? { message: scheduled.message } : {}) };
  }
  // "Readiness probe failed: HTTP probe failed with statuscode: 503" (an Unhealthy event) says far
  // more than the Ready condition's "containers with unready status: [web]".
  const event = latestWarning(o, (e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === name);
  const readyCondition = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const waitingReason = pod.status?.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  const message = event ? `${event.reason}: ${event.message}` : readyCondition?.message ?? waitingReason;
  return { pod: name, reason: 'NotReady', ...(message ? { message } : {}) };
}

function explainNoPods(o: WorkloadObservation): string {
  const event = latestWarning(o, () => true);
  return event ? `; ${event.involvedObject.kind ?? ''} ${event.involvedObject.name ?? ''}: ${event.reason}: ${event.message}` : '';
}

/**
 * Newest Warning event since the rollout started (older ones belong to a previous release).
 * Event timestamps are whole seconds, so "since" counts from the start of the second it started in.
 */
function latestWarning(o: WorkloadObservation, match: (e: CoreV1Event) => boolean): CoreV1Event | undefined {
  const at = (e: CoreV1Event): number =>
    new Date(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
  const since = eventsSince(o);
  return (o.events ?? [])
    .filter((e) => e.type === 'Warning' && at(e) >= since && match(e))
    .sort((a, b) => at(b) - at(a))[0];
}

/** Event timestamps are whole seconds: an Event of this rollout may read as up to 1 s before it started. */
function eventsSince(o: WorkloadObservation): number {
  return Math.floor(o.startedAt.getTime() / 1000) * 1000;
}
