import type { CoreV1Event, KubeConfig, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { watchObjects, type WatchTarget } from './watch-objects.js';

// Deadlines pass without any event; re-decide at least this often.
const TICK_MS = 500;

/**
 * Watches one object (a Deployment, a StatefulSet, a Job), its pods and, when asked, Events,
 * and asks `decide` after every change and every tick until it returns an answer: the watchers
 * fetch, a pure function decides, the caller acts. Rejects if the object or pod watch fails;
 * Events only explain, so a failed Event watch leaves them out and calls `onEventsLost`.
 */
export function watchUntil<O extends KubernetesObject, R>(params: {
  kc: KubeConfig;
  object: WatchTarget;
  pods: WatchTarget;
  events?: WatchTarget;
  onEventsLost?: (error: unknown) => void;
  decide: (observed: { object?: O; pods: V1Pod[]; events: CoreV1Event[] }) => R | undefined;
}): Promise<R> {
  const { kc } = params;
  const abort = new AbortController();
  let object: O | undefined;
  let pods: V1Pod[] = [];
  let events: CoreV1Event[] = [];
  return new Promise<R>((resolve, reject) => {
    const stop = () => {
      clearInterval(tick);
      abort.abort();
    };
    const decide = () => {
      if (abort.signal.aborted) return;
      const answer = params.decide({ object, pods, events });
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
    if (params.events) {
      watchObjects<CoreV1Event>({ kc, target: params.events, onChange: (objects) => ((events = objects), decide()), signal: abort.signal }).catch((error: unknown) => {
        events = [];
        params.onEventsLost?.(error);
      });
    }
  });
}
