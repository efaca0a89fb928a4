import type { KubeConfig, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { watchObjects, type WatchTarget } from './watch-objects.js';

// Deadlines pass without any event; re-decide at least this often.
const TICK_MS = 500;

/**
 * Watches one object (a Deployment, a StatefulSet, a Job) and its pods, and asks `decide` after
 * every change and every tick until it returns an answer: the watchers fetch, a pure function
 * decides, the caller acts. Rejects if a watch fails.
 */
export function watchUntil<O extends KubernetesObject, R>(params: {
  kc: KubeConfig;
  object: WatchTarget;
  pods: WatchTarget;
  decide: (observed: { object?: O; pods: V1Pod[] }) => R | undefined;
}): Promise<R> {
  const { kc } = params;
  const abort = new AbortController();
  let object: O | undefined;
  let pods: V1Pod[] = [];
  return new Promise<R>((resolve, reject) => {
    const stop = () => {
      clearInterval(tick);
      abort.abort();
    };
    const decide = () => {
      if (abort.signal.aborted) return;
      const answer = params.decide({ object, pods });
      if (answer === undefined) return;
      stop();
      resolve(answer);
    };
    const tick = setInterval(decide, TICK_MS);
    const fail = (error: unknown) => {
      stop();
      reject(error);
    };
    watchObjects<O>({ kc, target: params.object, onChange: (objects) => ((object = objects[0]), decide()), signal: abort.signal }).catch(fail);
    watchObjects<V1Pod>({ kc, target: params.pods, onChange: (objects) => ((pods = objects), decide()), signal: abort.signal }).catch(fail);
  });
}
