import type { KubeConfig } from '@kubernetes/client-node';
import type { PodProblem } from '../rollout/workload-status.js';
import { podLog } from './pod-log.js';

/** Crashed containers (ones with an exit code) whose last log lines a failure quotes; a few, not every replica's. */
const CRASH_LOG_PODS = 3;
const CRASH_LOG_LINES = 20;

/**
 * A failure's pod problems with the last log lines of each crashed container (the run that
 * exited), read through the API server's pod log endpoint. Best effort: a log that cannot be
 * read leaves the problem as it was.
 */
export async function withCrashLogs(kc: KubeConfig, namespace: string, pods: PodProblem[]): Promise<PodProblem[]> {
  let read = 0;
  return Promise.all(
    pods.map(async (p) => {
      if (p.exitCode === undefined || !p.container || read >= CRASH_LOG_PODS) return p;
      read++;
      // A container `terminated` right now is the run that crashed: its log is the current one
      // (the kubelet has already removed the run before it). One waiting in CrashLoopBackOff
      // has no current run, and one running again (RestartsExceeded) is a new run: the crashed
      // one is `previous` for both.
      const base = { kc, namespace, pod: p.pod, container: p.container, tailLines: CRASH_LOG_LINES };
      const previousFirst = p.reason === 'RestartsExceeded';
      let { log } = await podLog({ ...base, previous: previousFirst });
      if (!log?.trim()) ({ log } = await podLog({ ...base, previous: !previousFirst }));
      return log?.trim() ? { ...p, log: log.trimEnd() } : p;
    }),
  );
}
