import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from './api.js';
import { deleteNamespace, testKubeConfig } from './cluster.js';
import { auth } from './config.js';
import { settledRelease } from './releases.js';
import { waitFor } from './wait.js';

/** A test API with a deploy worker on the test cluster, and helpers to make apps and releases. */
export async function deployHarness(prefix: string) {
  const kc = testKubeConfig();
  const t: TestApi = await startTestApi();
  const startWorker = () => {
    const started: Worker = createDeployWorker({ services: t.services, kc, logger: createLogger({ name: `${prefix}-deploy-worker`, level: 'warn' }) });
    void started.run();
    return started;
  };
  let worker = startWorker();
  const namespaces: string[] = [];

  const api = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: T }> => {
    const res = await t.api.inject({ method, url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
    return { status: res.statusCode, body: res.json() as T };
  };

  return {
    kc,
    t,
    api,
    /** Closes the deploy worker (as SIGTERM does) and starts another, as a restarted worker process. */
    async restartWorker(): Promise<void> {
      await worker.close();
      worker = startWorker();
    },
    digest: () => `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`,
    async newApp(deploy: Record<string, unknown> = {}): Promise<string> {
      const name = `${prefix}-${randomUUID().slice(0, 8)}`;
      namespaces.push(name);
      await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 30, ...deploy } });
      return name;
    },
    async release(app: string, payload: Record<string, unknown>): Promise<number> {
      const res = await api<Release>('POST', `/apps/${app}/releases`, payload);
      if (res.status !== 202) throw new Error(`release of ${app} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.number;
    },
    settled: (app: string, number: number) => settledRelease({ releases: t.services.releases, app, number, timeoutMs: 180_000 }),
    /** Waits until release `number` is failed and its rollback settled (`rolledBackTo.settledAt`). */
    settledFailed: (app: string, number: number) =>
      waitFor({
        timeoutMs: 180_000,
        intervalMs: 250,
        check: async () => {
          const release = await t.services.releases.find(app, number);
          return release?.status === 'failed' ? release : undefined;
        },
        message: () => `release ${app}#${number} did not fail`,
      }),
    async close() {
      await worker.close();
      await t.close();
      for (const ns of namespaces) await deleteNamespace(kc, ns);
    },
  };
}

export type DeployHarness = Awaited<ReturnType<typeof deployHarness>>;
