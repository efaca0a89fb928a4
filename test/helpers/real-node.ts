import { execFileSync } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { appSelector, LABELS } from '../../src/releases/render/labels.js';
import { startTestApi, type TestApi } from './api.js';
import { deleteNamespace } from './cluster.js';
import { waitFor } from './wait.js';

/**
 * Install settings that put an app's pods on the test cluster's REAL node (test/env/node): the
 * install-wide placement test/env exports, and release verification on (the default of a real
 * install; testConfig turns it off for kwok's pods, which cannot answer).
 */
export function realNodeConfig(): Record<string, string> {
  const { SLIPWAY_REAL_NODE_SELECTOR: selector, SLIPWAY_REAL_NODE_TOLERATIONS: tolerations } = process.env;
  if (!selector || !tolerations) throw new Error('SLIPWAY_REAL_NODE_SELECTOR/_TOLERATIONS not set: run tests with scripts/test.sh (test/env/start.sh starts the real node)');
  return { SLIPWAY_POD_NODE_SELECTOR: selector, SLIPWAY_POD_TOLERATIONS: tolerations, SLIPWAY_VERIFY_RELEASES: 'true' };
}

/** Fails loudly unless the real node is in the cluster and Ready: a suite about real pods never runs on kwok by mistake. */
export async function requireRealNode(kc: KubeConfig): Promise<string> {
  const name = process.env.SLIPWAY_REAL_NODE;
  if (!name) throw new Error('SLIPWAY_REAL_NODE not set: run tests with scripts/test.sh (test/env/start.sh starts the real node)');
  const node = await kc.makeApiClient(CoreV1Api).readNode({ name }).catch((error: unknown) => {
    throw new Error(`the real node ${name} is not in the cluster (test/env/node/start.sh): ${String(error)}`);
  });
  if (!node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) throw new Error(`the real node ${name} is not Ready`);
  return name;
}

/** The pods of release `release` of `app`, once they are exactly that release's and all Ready (the kubelet's probe passed). */
export async function readyReleasePods(kc: KubeConfig, params: { namespace: string; app: string; release: number; timeoutMs?: number }): Promise<V1Pod[]> {
  const { namespace, app, release } = params;
  const core = kc.makeApiClient(CoreV1Api);
  let seen = '';
  return waitFor({
    timeoutMs: params.timeoutMs ?? 120_000,
    intervalMs: 500,
    check: async () => {
      const pods = (await core.listNamespacedPod({ namespace, labelSelector: appSelector(app) })).items.filter((pod) => !pod.metadata?.deletionTimestamp);
      seen = pods.map((pod) => `${pod.metadata?.name} release ${pod.metadata?.labels?.[LABELS.release]} on ${pod.spec?.nodeName} ${pod.status?.phase}`).join('; ');
      const ready = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return pods.length && pods.every((pod) => pod.metadata?.labels?.[LABELS.release] === String(release) && ready(pod)) ? pods : undefined;
    },
    message: () => `pods of ${app} are not all release ${release} and Ready: ${seen || 'none'}`,
  });
}

/**
 * GET `path` of a Service through the API server's service proxy (no network path of the
 * test's own), once the app answers 2xx: its status, body and parsed JSON. Anything else (the
 * API server's own 503 while no endpoint is ready, an app error) is waited out, and the last
 * answer is in the timeout's message.
 */
export async function serviceProxyGet(kc: KubeConfig, params: { namespace: string; service: string; path?: string; timeoutMs?: number }): Promise<{ status: number; text: string; json?: unknown }> {
  const url = new URL(`/api/v1/namespaces/${params.namespace}/services/${params.service}:http/proxy/${(params.path ?? '').replace(/^\//, '')}`, kc.getCurrentCluster()!.server);
  const options: https.RequestOptions = { method: 'GET' };
  await kc.applyToHTTPSOptions(options);
  let last = '';
  return waitFor({
    timeoutMs: params.timeoutMs ?? 60_000,
    intervalMs: 500,
    check: async () => {
      const answer = await new Promise<{ status: number; text: string; type: string }>((resolve, reject) => {
        const request = https.request(url, options, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), type: String(res.headers['content-type'] ?? '') }));
          res.on('error', reject);
        });
        request.on('error', reject);
        request.end();
      }).catch((error: unknown) => ({ status: 0, text: String(error), type: '' }));
      last = `${answer.status} ${answer.text.slice(0, 300)}`;
      // Until the app answers 2xx: no endpoint yet (the API server's own 503), or the app not yet serving.
      if (answer.status < 200 || answer.status > 299) return undefined;
      return { status: answer.status, text: answer.text, ...(answer.type.includes('json') ? { json: JSON.parse(answer.text) as unknown } : {}) };
    },
    message: () => `the service proxy of ${params.service} in ${params.namespace} did not answer: ${last}`,
  });
}

/**
 * A test API set up as an install on the real node (realNodeConfig() plus `overrides`), with a
 * build and a deploy worker running in-process; fails loudly unless the real node is Ready.
 */
export async function startRealNodeApi(kc: KubeConfig, params: { name: string; overrides?: Record<string, string> }): Promise<{ t: TestApi; node: string; workers: Worker[] }> {
  const node = await requireRealNode(kc);
  const t = await startTestApi({ ...realNodeConfig(), ...params.overrides });
  const logger = createLogger({ name: params.name, level: 'warn' });
  const workers: Worker[] = [createBuildWorker({ services: t.services, logger }), createDeployWorker({ services: t.services, kc, logger })];
  for (const w of workers) void w.run();
  return { t, node, workers };
}

/**
 * Ends what a real-node suite started, in order: its workers (no job left half-run), its repos
 * (`cleanup`), its API, then the namespaces of its apps (unset ones are skipped).
 */
export async function stopRealNodeSuite(kc: KubeConfig, started: { workers?: Worker[]; cleanup?: () => Promise<void>; t?: TestApi; namespaces: (string | undefined)[] }): Promise<void> {
  for (const w of started.workers ?? []) await w.close();
  await started.cleanup?.();
  await started.t?.close();
  for (const namespace of started.namespaces) if (namespace) await deleteNamespace(kc, namespace);
}

/**
 * Removes every name of `reference`'s repository from the real node's containerd (its CRI
 * namespace), so that the next pod of it must be pulled: with the image already there the kubelet
 * never asks the registry (IfNotPresent), and a test of what a pull does would pass or fail by
 * which suites ran before it.
 */
export function forgetImageOnNode(reference: string): string[] {
  const state = process.env.SLIPWAY_STATE;
  if (!state) throw new Error('SLIPWAY_STATE is not set: run tests with scripts/test.sh');
  const ctr = (...args: string[]) => execFileSync('ctr', ['--address', path.join(state, 'node/run/containerd.sock'), '--namespace', 'k8s.io', ...args], { encoding: 'utf8' });
  const repository = reference.split('@')[0]!.replace(/:[^/:]*$/, '');
  const names = ctr('images', 'ls', '-q').split('\n').filter((n) => n === reference || n.startsWith(`${repository}:`) || n.startsWith(`${repository}@`));
  if (names.length) ctr('images', 'rm', ...names);
  return names;
}
