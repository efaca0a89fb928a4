// A pod watch of the benchmark's own (client-node, independent of Slipway's code) that records
// when a release's pods first show each stage of a crash loop, as the API server reports it.
import { CoreV1Api, Watch, type KubeConfig, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';

export interface FailureSignal {
  at: number;
  pod: string;
  what: string;
}

/** How far into a crash loop a pod is, as its container statuses show it. */
export const STAGES = ['exit', 'restart', 'loop'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The furthest failing stage a pod shows, if any:
 * - `loop`: what Slipway acts on, a container terminated again after a restart, or waiting in
 *   CrashLoopBackOff (src/releases/rollout/workload-status.ts);
 * - `restart`: the kubelet has restarted it (restartCount > 0, lastState.terminated), the
 *   restarted process possibly running for a moment;
 * - `exit`: it has terminated once (restartCount 0), the very first failing state a real kubelet
 *   reports. An init container that finished with 0 is done, not failing.
 */
export function failingStage(pod: V1Pod): { stage: Stage; what: string } | undefined {
  const statuses: Array<{ c: V1ContainerStatus; init: boolean }> = [
    ...(pod.status?.initContainerStatuses ?? []).map((c) => ({ c, init: true })),
    ...(pod.status?.containerStatuses ?? []).map((c) => ({ c, init: false })),
  ];
  let found: { stage: Stage; what: string } | undefined;
  const keep = (stage: Stage, what: string) => {
    if (!found || STAGES.indexOf(stage) > STAGES.indexOf(found.stage)) found = { stage, what };
  };
  for (const { c, init } of statuses) {
    const last = c.lastState?.terminated;
    const t = c.state?.terminated;
    const now = t ? `terminated exit ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}` : c.state?.running ? 'running' : `waiting ${c.state?.waiting?.reason ?? '?'}`;
    const what = `container ${c.name} ${now}, restartCount ${c.restartCount}${last ? `, lastState terminated exit ${last.exitCode}` : ''}`;
    if (t && init && t.exitCode === 0) continue;
    if (c.state?.waiting?.reason === 'CrashLoopBackOff' || (t && c.restartCount > 0)) keep('loop', what);
    else if (c.restartCount > 0 || last) keep('restart', what);
    else if (t) keep('exit', what);
  }
  return found;
}

export type Signals = Record<Stage, FailureSignal>;

/**
 * Watches pods matching `labelSelector` (list, then watch from the list's resourceVersion;
 * re-list when the watch ends) and resolves, per stage, the moment this process first sees a pod
 * at that stage or further (a pod seen first at `loop` settles all three at once). Stops at
 * `loop`. `ready` resolves once the watch is open, so nothing applied after it is missed.
 */
export function watchFailure(params: { kc: KubeConfig; namespace: string; labelSelector: string; timeoutMs: number }): {
  ready: Promise<void>;
  signals: Record<Stage, Promise<FailureSignal>>;
  stop: () => void;
} {
  const { kc, namespace, labelSelector } = params;
  const core = kc.makeApiClient(CoreV1Api);
  let stopped = false;
  let controller: AbortController | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const pending = () => {
    let resolve: (value: FailureSignal) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const promise = new Promise<FailureSignal>((res, rej) => ((resolve = res), (reject = rej)));
    // Handled here so a watch that ends unobserved (its round already failed) is no unhandled rejection.
    promise.catch(() => undefined);
    return { promise, resolve, reject };
  };
  const stages = { exit: pending(), restart: pending(), loop: pending() };
  let reached = -1;
  let timer: NodeJS.Timeout | undefined;
  // Stopping settles everything still pending (a settled promise ignores it), so no caller is left
  // awaiting a stopped watch.
  const stop = (why = 'the watch was stopped before the pods got that far') => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
    markReady();
    for (const s of Object.values(stages)) s.reject(new Error(why));
  };
  timer = setTimeout(
    () => stop(`no pod matching ${labelSelector} in namespace ${namespace} showed a crash loop within ${params.timeoutMs} ms`),
    params.timeoutMs,
  );
  const seen = (pod: V1Pod): boolean => {
    const found = failingStage(pod);
    if (!found || stopped) return false;
    const signal = { at: Date.now(), pod: pod.metadata?.name ?? '?', what: found.what };
    const index = STAGES.indexOf(found.stage);
    // Resolve before stopping: stop() rejects whatever is still pending.
    for (let i = reached + 1; i <= index; i++) stages[STAGES[i]!].resolve(signal);
    reached = Math.max(reached, index);
    if (found.stage !== 'loop') return false;
    stop();
    return true;
  };
  const run = async () => {
    while (!stopped) {
      const list = await core.listNamespacedPod({ namespace, labelSelector });
      if (list.items.some(seen)) return;
      await new Promise<void>((resolveEnded) => {
        // Closes this watch's connection too when it ends on an ERROR event, not only on stop().
        const ended = () => {
          controller?.abort();
          resolveEnded();
        };
        new Watch(kc)
          .watch(
            `/api/v1/namespaces/${namespace}/pods`,
            { labelSelector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
            (phase: string, pod: V1Pod) => {
              // ERROR (410 Gone and the like) ends this watch; the loop lists again.
              if (phase === 'ERROR') return ended();
              if (phase === 'ADDED' || phase === 'MODIFIED') seen(pod);
            },
            () => ended(),
          )
          .then((c) => {
            controller = c;
            if (stopped) c.abort();
            markReady();
          }, ended);
      });
      // A watch the server closed at once must not turn into a hot loop of lists.
      if (!stopped) await new Promise((r) => setTimeout(r, 100));
    }
  };
  run().catch((error: unknown) => stop(`watching pods in ${namespace} failed: ${error instanceof Error ? error.message : String(error)}`));
  return { ready, signals: { exit: stages.exit.promise, restart: stages.restart.promise, loop: stages.loop.promise }, stop: () => stop() };
}
