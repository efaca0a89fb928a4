import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { cancelIfReplaced } from '../queue/build-queueing.js';
import { bullPrefix } from '../queue/create-queue.js';
import { enqueueBuildSucceeded } from '../queue/deploy-queue.js';
import { crashPoint } from '../crash-point.js';
import { deleteIfEquals, holdLock } from '../queue/job-lock.js';
import { QUEUES, type BuildJob } from '../queue/names.js';
import { keepHeartbeat } from '../queue/worker-heartbeat.js';
import type { Services } from '../services/services.js';
import { branchOf } from '../store/build-store.js';
import { HeartbeatStore } from '../store/heartbeat-store.js';
import { createRedis } from '../store/redis.js';
import { FINAL_BUILD_STATES } from '../store/types.js';
import { loadBuilders } from './builder-catalog.js';
import { runBuild } from './run-build.js';

// A build waiting for its branch's running build polls this often (builds can take ~1 s).
const RETRY_LOCKED_MS = 250;

/**
 * The BullMQ worker for the builds queue, created stopped (`autorun: false`).
 * - Builds of one app + branch run one at a time (a lock; a job that finds it taken waits in
 *   the delayed set, where a newer push can still replace it).
 * - A cancel request (pub/sub) aborts the running build's processor.
 * - A worker that dies mid-build loses its job lock; after `jobLockMs` another worker takes
 *   the job over and builds again from the clone. A build whose workers die three times is failed.
 * - A failing build is a finished job with a `failed` record, not a retried job: retrying a
 *   broken Dockerfile would only fail again.
 */
export function createBuildWorker(params: { services: Services; logger: Logger }): Worker<BuildJob> {
  const { services, logger } = params;
  const { redis, keys, builds, config } = services;
  const deps = { ...services, builders: loadBuilders(), logger };
  // Blocking commands and subscriptions need connections of their own.
  const connection = createRedis(config);
  const subscriber = createRedis(config);

  const worker = new Worker<BuildJob>(
    QUEUES.builds,
    async (job, token, signal) => {
      const build = await builds.find(job.data.buildId);
      if (!build) throw new UnrecoverableError(`build ${job.data.buildId} has no record`);
      // Ran before and its worker died after the record was written: finish the hand-off only.
      if (build.state === 'succeeded') await enqueueBuildSucceeded(services.deployQueue, build);
      if (FINAL_BUILD_STATES.includes(build.state)) return { state: build.state };
      const branch = branchOf(build.ref);
      const held = await holdLock(redis, keys.buildLock(build.app, branch), build.id, config.jobLockMs);
      if (!held) {
        // Cancelled while it waited (a newer push replaced it): it ends here rather than waiting on.
        if ((await builds.find(build.id))?.state === 'cancelled') return { state: 'cancelled' };
        await job.moveToDelayed(Date.now() + RETRY_LOCKED_MS, token);
        throw new DelayedError();
      }
      try {
        // A queued build replaced by a newer push whose hand-off a crash cut short never runs.
        if (build.state === 'queued' && (await cancelIfReplaced(services, build))) return { state: 'cancelled' };
        // Started only by moving the record out of `queued` (or on from where a dead worker left
        // it), in one compare-and-set: a cancel that landed first wins and nothing runs.
        const started = await builds.updateIf(build.id, { state: 'cloning', startedAt: new Date().toISOString() }, (b) => b.state === build.state);
        if (!started) return { state: (await builds.find(build.id))?.state ?? 'cancelled' };
        // No longer the queued one: a newer push now queues beside it instead of replacing it.
        await deleteIfEquals(redis, keys.queuedBuild(build.app, branch), build.id);
        await redis.set(keys.runningBuild(build.app, branch), build.id);
        const requested = await redis.get(keys.buildCancel(build.id));
        if (requested) worker.cancelJob(job.id!, requested);
        // The record, not the job's attempts: a job waiting for its branch's lock is started again every 250 ms.
        if (build.state !== 'queued') await services.logs.append(build.id, ['--> The worker building this was lost; building again']);
        const result = await runBuild(deps, build.id, signal);
        crashPoint('build-finished');
        // Whether and how it becomes a release is the deploy side's to decide.
        if (result.state === 'succeeded') await enqueueBuildSucceeded(services.deployQueue, result);
        return { state: result.state, digest: result.image?.digest };
      } finally {
        await deleteIfEquals(redis, keys.runningBuild(build.app, branch), build.id);
        await held.release();
      }
    },
    {
      connection,
      prefix: bullPrefix(config.prefix),
      concurrency: config.buildConcurrency,
      autorun: false,
      lockDuration: config.jobLockMs,
      stalledInterval: config.jobLockMs,
      maxStalledCount: 2,
    },
  );

  void subscriber.subscribe(keys.cancelChannel);
  subscriber.on('message', (_channel: string, buildId: string) => {
    void redis.get(keys.buildCancel(buildId)).then((reason) => worker.cancelJob(buildId, reason ?? 'cancelled'));
  });
  // Stalled too often (its workers keep dying): the record must not stay "building".
  worker.on('failed', (job, error) => {
    if (!job) return;
    void builds.find(job.data.buildId).then(async (build) => {
      if (!build || FINAL_BUILD_STATES.includes(build.state)) return;
      logger.error({ build: build.id, err: error }, 'build job lost');
      await builds.update(build.id, {
        state: 'failed',
        failure: { step: build.state, code: 'BUILD_WORKER_LOST', reason: `the worker running this build was lost (${error.message})`, logTail: await services.logs.tail(build.id, 40) },
        finishedAt: new Date().toISOString(),
      });
    });
  });
  worker.on('closed', () => {
    connection.disconnect();
    subscriber.disconnect();
  });
  // The API's /readyz counts the build workers by these.
  keepHeartbeat({ worker, role: 'build', heartbeats: new HeartbeatStore(redis, keys), logger });
  return worker;
}
