import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { objectApi } from '../../services/kube-config.js';

export interface WatchTarget {
  apiVersion: string;
  kind: string;
  /** The collection's URL path, e.g. /apis/apps/v1/namespaces/web/deployments. */
  path: string;
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * Keeps an up-to-date set of the objects a selector matches: list, then watch from the
 * list's resourceVersion; on `410 Gone` (the version is too old) or a dropped watch, list
 * again. Calls `onChange` with every object after each change, until `signal` aborts.
 */
export async function watchObjects<T extends KubernetesObject>(params: {
  kc: KubeConfig;
  target: WatchTarget;
  onChange: (objects: T[]) => void;
  signal: AbortSignal;
}): Promise<void> {
  const { kc, target, onChange, signal } = params;
  const api = objectApi(kc);
  while (!signal.aborted) {
    const list = await api.list<T>(target.apiVersion, target.kind, target.namespace, undefined, undefined, undefined, target.fieldSelector, target.labelSelector);
    const objects = new Map<string, T>(list.items.map((o) => [o.metadata!.uid!, o]));
    onChange([...objects.values()]);
    let resourceVersion = list.metadata?.resourceVersion;
    await new Promise<void>((resolve) => {
      let controller: AbortController | undefined;
      const stop = () => {
        signal.removeEventListener('abort', stop);
        controller?.abort();
        resolve();
      };
      signal.addEventListener('abort', stop);
      new Watch(kc)
        .watch(
          target.path,
          { labelSelector: target.labelSelector, fieldSelector: target.fieldSelector, resourceVersion, allowWatchBookmarks: true },
          (phase: string, object: T & { code?: number }) => {
            if (phase === 'ERROR') return stop(); // 410 Gone and friends: re-list
            resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
            if (phase === 'BOOKMARK') return;
            if (phase === 'DELETED') objects.delete(object.metadata!.uid!);
            else objects.set(object.metadata!.uid!, object);
            onChange([...objects.values()]);
          },
          () => stop(),
        )
        .then((c) => {
          controller = c;
          if (signal.aborted) c.abort();
        }, stop);
    });
    // A watch the server closed at once must not become a hot loop of lists.
    if (!signal.aborted) await new Promise((r) => setTimeout(r, 200));
  }
}
