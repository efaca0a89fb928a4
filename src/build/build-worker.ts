import { UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { bullPrefix } from '../queue/create-queue.js';
import { QUEUES, type BuildJob } from '../queue/names.js';
import type { Services } from '../services.js';
import { createRelease } from '../deploy/create-release.js';
import { enqueueDeploy } from '../queue/deploy-queue.js';
import { createRedis } from '../store/redis.js';
import type { Build, Release } from '../store/types.js';
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
      const release = result.state === 'succeeded' ? await deployBuild({ services, build: result }) : undefined;
      return { state: result.state, digest: result.image?.digest, release: release?.number };
    },
    {
      connection,
      prefix: bullPrefix(services.config.prefix),
      concurrency: services.config.buildConcurrency,
      autorun: false,
    },
  );
  // BullMQ leaves connections it was given open; this one is the worker's alone.
  worker.on('closed', () => connection.disconnect());
  return worker;
}

/** A successful build of an app with auto-deploy (the default) becomes its next release. */
async function deployBuild(params: { services: Services; build: Build }): Promise<Release | undefined> {
  const { services, build } = params;
  const app = await services.apps.get(build.app);
  if (!app.deploy.autoDeploy || !build.image) return undefined;
  const release = await createRelease({
    releases: services.releases,
    app,
    image: `${build.image.repository}@${build.image.digest}`,
    trigger: { kind: build.trigger.kind === 'webhook' ? 'webhook' : 'api', buildId: build.id },
  });
  await enqueueDeploy(services.deployQueue, release);
  return release;
}
