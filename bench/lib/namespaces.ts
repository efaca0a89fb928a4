import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { waitFor } from '../../test/helpers/wait.js';

const NAMESPACE_GONE_MS = 120_000;

/**
 * Deletes the namespaces a run created and waits (bounded) until they are gone, so the next run
 * starts from an empty cluster; one that lingers is reported, not fatal.
 */
export async function deleteNamespaces(kc: KubeConfig, names: Iterable<string>): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const list = [...names];
  if (!list.length) return;
  await Promise.all(list.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  let left: string[] = list;
  await waitFor({
    timeoutMs: NAMESPACE_GONE_MS,
    intervalMs: 500,
    check: async () => {
      left = (await Promise.all(list.map((name) => core.readNamespace({ name }).then(() => name, () => undefined)))).filter((n): n is string => n !== undefined);
      return left.length ? undefined : true;
    },
    message: () => `namespaces ${left.join(', ')} were not deleted`,
  }).catch((error: unknown) => console.error(`warning: ${error instanceof Error ? error.message : String(error)}`));
}
