// Where a hook Job is, as a pure function of fetched objects (like workload-status.ts):
// the watcher fetches, this decides, table tests cover every rule.
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { waitingFailureIsFinal } from '../rollout/pull-retry.js';

export interface HookStatus {
  state: 'running' | 'succeeded' | 'failed';
  /** Failed: `DeadlineExceeded` when the time ran out, else `Failed`. */
  outcome?: 'Failed' | 'DeadlineExceeded';
  /** The Job condition's reason or the container's (Error, OOMKilled, ErrImagePull, ...). */
  reason?: string;
  message: string;
  pod?: string;
  exitCode?: number;
}

export interface HookObservation {
  job: V1Job;
  pods: V1Pod[];
  now: Date;
  startedAt: Date;
  timeoutSeconds: number;
}

/** Slipway's own deadline is the Job's plus this: the Job controller should have acted by then. */
export const HOOK_GRACE_SECONDS = 30;

// A hook pod waiting for one of these will not start without a new release (a pull failure only
// once the kubelet's retry could not fix it: pull-retry.ts).
const FATAL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export function checkHookStatus(o: HookObservation): HookStatus {
  const name = o.job.metadata?.name ?? '?';
  const conditions = o.job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const pod = newestPod(o.pods);
  const exit = pod ? terminated(pod) : undefined;
  const where = { ...(pod?.metadata?.name ? { pod: pod.metadata.name } : {}), ...(exit ? { exitCode: exit.exitCode } : {}) };
  const exitText = exit ? `; container exited with code ${exit.exitCode}${exit.reason ? ` (${exit.reason})` : ''}${exit.message ? `: ${exit.message}` : ''}` : '';

  if (isTrue('Complete')) return { state: 'succeeded', message: `job ${name} completed${exitText}`, ...where };
  // FailureTarget comes first (pods may still be terminating), Failed once they are gone.
  const failed = isTrue('Failed') ?? isTrue('FailureTarget');
  if (failed) {
    const deadline = failed.reason === 'DeadlineExceeded';
    return {
      state: 'failed',
      outcome: deadline ? 'DeadlineExceeded' : 'Failed',
      reason: deadline ? 'DeadlineExceeded' : exit?.reason ?? failed.reason ?? 'Failed',
      message: `job ${name} failed: ${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}${exitText}`,
      ...where,
    };
  }
  const waiting = o.pods.flatMap((p) => (p.status?.containerStatuses ?? []).map((c) => ({ pod: p, c }))).find(({ pod: p, c }) => isFatal(p, c.state?.waiting, o.now));
  if (waiting) {
    const w = waiting.c.state!.waiting!;
    return { state: 'failed', outcome: 'Failed', reason: w.reason!, message: `job ${name}: pod ${waiting.pod.metadata?.name}: ${w.reason}${w.message ? `: ${w.message}` : ''}`, pod: waiting.pod.metadata?.name };
  }
  const elapsed = (o.now.getTime() - o.startedAt.getTime()) / 1000;
  if (elapsed > o.timeoutSeconds + HOOK_GRACE_SECONDS) {
    return { state: 'failed', outcome: 'DeadlineExceeded', reason: 'DeadlineExceeded', message: `job ${name} still running ${Math.round(elapsed)}s after it started (timeout ${o.timeoutSeconds}s)`, ...where };
  }
  const phase = pod?.status?.phase ?? 'no pod yet';
  return { state: 'running', message: `job ${name}: ${phase}`, ...where };
}

function isFatal(pod: V1Pod, waiting: { reason?: string; message?: string } | undefined, now: Date): boolean {
  const reason = waiting?.reason ?? '';
  if (!FATAL_WAITING.has(reason)) return false;
  return waitingFailureIsFinal({ reason, message: waiting?.message, pod, now });
}

function newestPod(pods: V1Pod[]): V1Pod | undefined {
  const at = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  return [...pods].sort((a, b) => at(b) - at(a))[0];
}

function terminated(pod: V1Pod): { exitCode: number; reason?: string; message?: string } | undefined {
  const t = pod.status?.containerStatuses?.find((c) => c.state?.terminated)?.state?.terminated;
  return t ? { exitCode: t.exitCode, ...(t.reason ? { reason: t.reason } : {}), ...(t.message ? { message: t.message } : {}) } : undefined;
}
