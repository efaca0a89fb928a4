import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { bullPrefix } from '../queue/create-queue.js';
import { QUEUES, type DeployJob } from '../queue/names.js';
import type { Services } from '../services.js';
import { createRedis } from '../store/redis.js';
import { deployRelease } from './deploy-release.js';

// Longer than any rollout plus its rollback; the lock is released as soon as the job ends.
const LOCK_MS = 30 * 60_000;
const RETRY_LOCKED_MS = 1000;

/**
 * The BullMQ worker for the deploys queue, created stopped. Deploys of one app run one at
 * a time (a Redis lock per app; a job that finds it taken waits in the delayed set); deploys
 * of different apps run in parallel up to the configured concurrency.
 */
export function createDeployWorker(params: { services: Services; kc: KubeConfig; logger: Logger }): Worker<DeployJob> {
  const { services, kc, logger } = params;
  const { redis, keys, releases } = services;
  const connection = createRedis(services.config.redisUrl);
  const worker = new Worker<DeployJob>(
    QUEUES.deploys,
    async (job, token) => {
      if (!(await releases.find(job.data.app, job.data.release))) throw new UnrecoverableError(`release ${job.data.app}#${job.data.release} has no record`);
      const owner = randomUUID();
      const lock = keys.deployLock(job.data.app);
      if ((await redis.set(lock, owner, 'PX', LOCK_MS, 'NX')) !== 'OK') {
        await job.moveToDelayed(Date.now() + RETRY_LOCKED_MS, token);
        throw new DelayedError();
      }
      try {
        const release = await deployRelease({ kc, releases, logger }, { app: job.data.app, number: job.data.release });
        return { status: release.status, reason: release.failure?.reason };
      } finally {
        if ((await redis.get(lock)) === owner) await redis.del(lock);
      }
    },
    { connection, prefix: bullPrefix(services.config.prefix), concurrency: services.config.deployConcurrency, autorun: false },
  );
  worker.on('closed', () => connection.disconnect());
  return worker;
}
