import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { bullPrefix } from '../queue/create-queue.js';
import type { DeployResult } from '../queue/deploy-queue.js';
import { crashPoint } from '../crash-point.js';
import { holdLock } from '../queue/job-lock.js';
import { QUEUES, type DeployJob } from '../queue/names.js';
import { keepHeartbeat } from '../queue/worker-heartbeat.js';
import type { Services } from '../services/services.js';
import { HeartbeatStore } from '../store/heartbeat-store.js';
import { createRedis } from '../store/redis.js';
import { ensurePullSecret } from './cluster/pull-secret.js';
import { deployRelease } from './deploy-release.js';
import { releaseFromBuild } from './release-from-build.js';
import { RolloutParked } from './progressive/hold.js';

const RETRY_LOCKED_MS = 1000;

/**
 * The BullMQ worker for the deploys queue, created stopped. A job names a release to roll out,
 * or a build that succeeded, whose release it makes first (releaseFromBuild). Deploys of one app run one at
 * a time (a Redis lock per app; a job that finds it taken waits in the delayed set); deploys
 * of different apps run in parallel up to the configured concurrency. A rollout whose worker
 * died is taken over after `jobLockMs` and resumed (see deployRelease).
 */
export function createDeployWorker(params: { services: Services; kc: KubeConfig; logger: Logger }): Worker<DeployJob> {
  const { services, kc, logger } = params;
  const { redis, keys, releases } = services;
  const connection = createRedis(services.config);
  const stopping = new AbortController();
  const worker = new Worker<DeployJob>(
    QUEUES.deploys,
    async (job, token): Promise<DeployResult> => {
      const { app } = job.data;
      if ('pullSecretFor' in job.data) {
        // No app lock: it touches only the namespace's Secret and ServiceAccount, idempotently.
        await ensurePullSecret({ kc, namespace: job.data.pullSecretFor, registry: services.config.registry });
        return {};
      }
      if ('release' in job.data && !(await releases.find(app, job.data.release))) throw new UnrecoverableError(`release ${app}#${job.data.release} has no record`);
      const held = await holdLock(redis, keys.deployLock(app), job.id!, services.config.jobLockMs);
      if (!held) {
        await job.moveToDelayed(Date.now() + RETRY_LOCKED_MS, token);
        throw new DelayedError();
      }
      try {
        const number = 'release' in job.data ? job.data.release : (await releaseFromBuild(services, { buildId: job.data.build }))?.number;
        if (number === undefined) return {};
        // Only where its name says: a release job (a config change, say) never records one from a build.
        if (!('release' in job.data)) crashPoint('release-from-build-recorded');
        const release = await deployRelease(
          { kc, releases, apps: services.apps, secrets: services.secrets, logger, manageNamespaces: services.config.manageNamespaces, namespaces: services.config.namespaces, placement: services.config.podPlacement, registry: services.config.registry, verifyReleases: services.config.verifyReleases, arbitraryUids: services.config.arbitraryUids, stopping: stopping.signal, ...(services.config.prometheusUrl ? { prometheusUrl: services.config.prometheusUrl } : {}), ...(services.config.ingressClass ? { ingressClass: services.config.ingressClass } : {}) },
          { app, number });
        return { release: release.number, status: release.status, reason: release.failure?.reason };
      } catch (error) {
        if (!(error instanceof RolloutParked)) throw error;
        // Back to the queue, the release still `deploying` at its step: another worker resumes it.
        logger.info({ app, job: job.id }, error.message);
        await job.moveToDelayed(Date.now() + RETRY_LOCKED_MS, token);
        throw new DelayedError();
      } finally {
        await held.release();
      }
    },
    {
      connection,
      prefix: bullPrefix(services.config.prefix),
      concurrency: services.config.deployConcurrency,
      autorun: false,
      // A worker that dies mid-rollout loses the job after this long; another resumes it.
      lockDuration: services.config.jobLockMs,
      stalledInterval: services.config.jobLockMs,
      maxStalledCount: 2,
    },
  );
  // BullMQ's close waits for the jobs in hand: a canary waiting for `slipway promote` is handed back instead.
  worker.on('closing', () => stopping.abort());
  worker.on('closed', () => connection.disconnect());
  // The API's /readyz counts the deploy workers by these.
  keepHeartbeat({ worker, role: 'deploy', heartbeats: new HeartbeatStore(redis, keys), logger });
  return worker;
}
