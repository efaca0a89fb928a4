import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

const REQUEST_TIMEOUT_MS = 5_000;

/**
 * One GET through the API server's service proxy
 * (`/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/<path>`): the app answers without the
 * benchmark having a network path of its own to the pods. Resolves with whatever status came back
 * (the API server's own 503 when the Service has no ready endpoint), rejects only when the API
 * server could not be asked at all.
 */
export async function serviceProxyGet(params: { kc: KubeConfig; namespace: string; service: string; port: string; path?: string }): Promise<{ status: number; body: string }> {
  const cluster = params.kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(`/api/v1/namespaces/${params.namespace}/services/${params.service}:${params.port}/proxy/${params.path ?? ''}`, cluster.server);
  const options: https.RequestOptions = { method: 'GET', timeout: REQUEST_TIMEOUT_MS };
  await params.kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = https.request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += body.length < 64 * 1024 ? chunk : ''));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.pathname} within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}
