import { QueueEvents } from 'bullmq';
import type { Logger } from 'pino';
import { bullPrefix } from '../queue/create-queue.js';
import { QUEUES } from '../queue/names.js';
import type { Services } from '../services/services.js';
import { createRedis } from '../store/redis.js';
import { FINAL_BUILD_STATES } from '../store/types.js';
import type { Metrics } from './metrics.js';

/** `<app>-r<n>`, the deploy job id (see queue/deploy-queue.ts). */
function parseDeployJobId(jobId: string): { app: string; number: number } | undefined {
  const match = /^(.+)-r(\d+)$/.exec(jobId);
  return match ? { app: match[1]!, number: Number(match[2]) } : undefined;
}

/**
 * Feeds the metrics from BullMQ's event streams: each finished build or deploy job, by
 * whichever worker, is looked up and counted once by each API process following them.
 */
export function followQueues(params: { services: Pick<Services, 'config' | 'builds' | 'releases'>; metrics: Metrics; logger: Logger }): { close(): Promise<void> } {
  const { services, metrics, logger } = params;
  // Blocking stream reads need connections of their own.
  const connections = [createRedis(services.config.redisUrl), createRedis(services.config.redisUrl)];
  let next = 0;
  const events = (name: string) => new QueueEvents(name, { connection: connections[next++]!, prefix: bullPrefix(services.config.prefix) });
  const builds = events(QUEUES.builds);
  const deploys = events(QUEUES.deploys);
  const onBuild = ({ jobId }: { jobId: string }) =>
    void services.builds
      .find(jobId)
      .then((build) => build && FINAL_BUILD_STATES.includes(build.state) && metrics.buildFinished(build))
      .catch((error: unknown) => logger.warn({ err: error, build: jobId }, 'build metrics not recorded'));
  const onDeploy = ({ jobId }: { jobId: string }) => {
    const id = parseDeployJobId(jobId);
    if (!id) return;
    void services.releases
      .find(id.app, id.number)
      .then((release) => release && metrics.rolloutFinished(release))
      .catch((error: unknown) => logger.warn({ err: error, job: jobId }, 'rollout metrics not recorded'));
  };
  builds.on('completed', onBuild);
  builds.on('failed', onBuild);
  deploys.on('completed', onDeploy);
  deploys.on('failed', onDeploy);
  return {
    async close() {
      await Promise.all([builds.close(), deploys.close()]);
      for (const connection of connections) connection.disconnect();
    },
  };
}
