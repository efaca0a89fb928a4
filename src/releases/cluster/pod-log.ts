import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { kubeMessage } from './apply.js';

const LOG_TIMEOUT_MS = 5000;
/** A log line can be anything an app prints: the bytes read are bounded as well as the lines. */
const LOG_LIMIT_BYTES = 64 * 1024;

/**
 * The last `tailLines` lines of a container's log through the API server's pod log endpoint,
 * best effort: the node may be gone, the container may never have run, or (kwok) there is no
 * log to give; then `logError` says why. `previous`: the run before the current one, which is
 * what explains a crash loop (the current run may not have printed anything yet).
 */
export async function podLog(params: { kc: KubeConfig; namespace: string; pod: string; container: string; tailLines: number; previous?: boolean }): Promise<{ log?: string; logError?: string }> {
  const core = params.kc.makeApiClient(CoreV1Api);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${LOG_TIMEOUT_MS} ms`)), LOG_TIMEOUT_MS);
  });
  try {
    const request = core.readNamespacedPodLog({
      namespace: params.namespace,
      name: params.pod,
      container: params.container,
      tailLines: params.tailLines,
      limitBytes: LOG_LIMIT_BYTES,
      ...(params.previous ? { previous: true } : {}),
    });
    const log = String(await Promise.race([request, timeout]));
    // The kubelet writes this into the stream itself when the run was already removed.
    if (/^unable to retrieve container logs for /.test(log)) return { logError: `log unavailable: ${log.trim()}` };
    return { log };
  } catch (error) {
    return { logError: `log unavailable: ${kubeMessage(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
