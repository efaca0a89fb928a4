// One GET to a pod through the API server's pod proxy (`/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/<path>`):
// Slipway needs no network path of its own to the pods, only its credentials to the API server.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Sample } from '../rollout/verification.js';

/** How much of a failed answer's body is kept (bounded: an app may answer with anything). */
const BODY_BYTES = 512;

/**
 * Sends the GET and says what came of it: the app's status and, for a 5xx, the start of its
 * body; `unreachable` when the API server itself could not reach the pod (its own 502/503
 * Status object, "error trying to reach service"); `timeout` after `timeoutMs`. Never throws.
 */
export async function proxyGet(params: { kc: KubeConfig; namespace: string; pod: string; port: number; path: string; timeoutMs: number }): Promise<Sample> {
  const { kc, namespace, pod, port, path, timeoutMs } = params;
  const server = kc.getCurrentCluster()?.server;
  const started = performance.now();
  const done = (rest: Omit<Sample, 'pod' | 'ms'>): Sample => ({ pod, ms: performance.now() - started, ...rest });
  if (!server) return done({ error: 'no API server in the kubeconfig' });
  const url = new URL(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${port}/proxy${path}`, server);
  const options: https.RequestOptions = { method: 'GET', headers: { accept: '*/*', 'user-agent': 'slipway-verify' } };
  await kc.applyToHTTPSOptions(options);
  return new Promise<Sample>((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, options, (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
        // Only the start is kept; a big or endless body is not read to its end.
        if (size >= BODY_BYTES && status < 500) response.destroy();
      });
      const finish = () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks).subarray(0, BODY_BYTES).toString('utf8');
        if ((status === 502 || status === 503) && proxyError(body)) return resolve(done({ error: 'unreachable', body: proxyError(body) }));
        resolve(done(status >= 500 ? { status, body } : { status }));
      };
      response.on('end', finish);
      response.on('close', finish);
      response.on('error', finish);
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve(done({ error: 'timeout' }));
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      resolve(done({ error: error.message }));
    });
    request.end();
  });
}

/** The API server's own Status message when the proxy could not reach the pod, else undefined. */
function proxyError(body: string): string | undefined {
  try {
    const status = JSON.parse(body) as { kind?: string; message?: string };
    return status.kind === 'Status' && typeof status.message === 'string' && /error trying to reach/.test(status.message) ? status.message : undefined;
  } catch {
    return undefined;
  }
}
