import { QueueEvents } from 'bullmq';
import type { Logger } from 'pino';
import { bullPrefix } from '../queue/create-queue.js';
import type { DeployResult } from '../queue/deploy-queue.js';
import { QUEUES } from '../queue/names.js';
import type { Services } from '../services/services.js';
import { createRedis } from '../store/redis.js';
import { FINAL_BUILD_STATES } from '../store/types.js';
import type { Metrics } from './metrics.js';

/**
 * The release a finished deploy job settled: its return value says (a build's job makes its
 * release first); a failed job has none, but a release's job id is `<app>-r<n>` (queue/deploy-queue.ts).
 */
function settledRelease(jobId: string, returnvalue: unknown): { app: string; number: number } | undefined {
  const byId = /^(.+)-r(\d+)$/.exec(jobId);
  const byBuild = /^(.+)-b\d+$/.exec(jobId);
  const number = (returnvalue as DeployResult | undefined)?.release;
  if (byId) return { app: byId[1]!, number: Number(byId[2]) };
  return byBuild && typeof number === 'number' ? { app: byBuild[1]!, number } : undefined;
}

/**
 * Feeds the metrics from BullMQ's event streams: each finished build or deploy job, by
 * whichever worker, is looked up and counted once by each API process following them.
 */
export function followQueues(params: { services: Pick<Services, 'config' | 'builds' | 'releases'>; metrics: Metrics; logger: Logger }): { close(): Promise<void> } {
  const { services, metrics, logger } = params;
  // Blocking stream reads need connections of their own.
  const connections = [createRedis(services.config), createRedis(services.config)];
  let next = 0;
  const events = (name: string) => new QueueEvents(name, { connection: connections[next++]!, prefix: bullPrefix(services.config.prefix) });
  const builds = events(QUEUES.builds);
  const deploys = events(QUEUES.deploys);
  const onBuild = ({ jobId }: { jobId: string }) =>
    void services.builds
      .find(jobId)
      .then((build) => build && FINAL_BUILD_STATES.includes(build.state) && metrics.buildFinished(build))
      .catch((error: unknown) => logger.warn({ err: error, build: jobId }, 'build metrics not recorded'));
  const onDeploy = ({ jobId, returnvalue }: { jobId: string; returnvalue?: unknown }) => {
    const id = settledRelease(jobId, typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue);
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
