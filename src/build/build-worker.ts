import { UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { QUEUES, type BuildJob } from '../queue/names.js';
import type { Services } from '../services.js';
import { createRedis } from '../store/redis.js';
import { loadBuilders } from './builder-catalog.js';
import { runBuild } from './run-build.js';

/**
 * The BullMQ worker for the builds queue, created stopped (`autorun: false`): the caller
 * runs it and closes it. A build that fails is a finished job with a `failed` record, not
 * a retried job: retrying a broken Dockerfile would only fail again.
 */
export function createBuildWorker(params: { services: Services; logger: Logger }): Worker<BuildJob> {
  const { services, logger } = params;
  const builders = loadBuilders();
  const deps = { ...services, builders, logger };
  // Blocking commands need a connection of their own, separate from the stores'.
  const connection = createRedis(services.config.redisUrl);
  const worker = new Worker<BuildJob>(
    QUEUES.builds,
    async (job, _token, signal) => {
      const build = await services.builds.find(job.data.buildId);
      if (!build) throw new UnrecoverableError(`build ${job.data.buildId} has no record`);
      const result = await runBuild(deps, build.id, signal);
      return { state: result.state, digest: result.image?.digest };
    },
    {
      connection,
      prefix: `${services.config.prefix}:bull`,
      concurrency: services.config.buildConcurrency,
      autorun: false,
    },
  );
  // BullMQ leaves connections it was given open; this one is the worker's alone.
  worker.on('closed', () => connection.disconnect());
  return worker;
}
