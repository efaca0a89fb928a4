import type { Redis } from 'ioredis';
import { SlipwayError } from '../errors.js';
import { enqueueBuild, type BuildQueue } from './build-queue.js';
import type { BuildStore } from '../store/build-store.js';
import type { Keys } from '../store/keys.js';
import { FINAL_BUILD_STATES, type Build } from '../store/types.js';

export interface QueueingDeps {
  redis: Redis;
  keys: Keys;
  builds: BuildStore;
  buildQueue: BuildQueue;
}

const branchOf = (build: Build) => build.ref.replace(/^refs\/heads\//, '');

/**
 * Queues a build with OpenShift's `serial-latest-only` policy: per app + branch only the
 * newest queued build survives; the one it replaces is cancelled ("superseded"). With
 * `cancelRunning`, the running build of that branch is asked to stop too. Builds of
 * different apps or branches are untouched.
 */
export async function queueBuild(deps: QueueingDeps, params: { build: Build; cancelRunning?: boolean }): Promise<void> {
  const { redis, keys } = deps;
  const { build } = params;
  const branch = branchOf(build);
  // Known from now on: a replayed push of this commit builds nothing new (webhooks/receive-push.ts).
  await deps.builds.recordSha(build);
  // SET ... GET swaps atomically: two pushes racing each see a different predecessor.
  const previous = await redis.set(keys.queuedBuild(build.app, branch), build.id, 'GET');
  const reason = `superseded by build ${build.id} (${build.sha.slice(0, 7)})`;
  // The one it replaces leaves the queue first, so there is never more than one queued.
  if (previous && previous !== build.id) await cancelQueued(deps, previous, reason);
  await enqueueBuild(deps.buildQueue, build);
  if (params.cancelRunning) {
    const running = await redis.get(keys.runningBuild(build.app, branch));
    if (running && running !== build.id) await requestCancel(deps, running, reason);
  }
}

/** Removes a build that has not started from the queue and marks it cancelled; false if it already started. */
async function cancelQueued(deps: QueueingDeps, buildId: string, reason: string): Promise<boolean> {
  const job = await deps.buildQueue.getJob(buildId);
  const state = job ? await job.getState() : 'unknown';
  if (job && ['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) {
    try {
      await job.remove();
    } catch {
      return false; // taken by a worker in the meantime: it is running now
    }
  } else if (state === 'active') {
    return false;
  }
  const build = await deps.builds.find(buildId);
  if (build && build.state === 'queued') {
    await deps.builds.update(buildId, { state: 'cancelled', cancellation: { reason, step: 'queued' }, finishedAt: new Date().toISOString() });
  }
  return true;
}

/**
 * Cancels a build: a queued one is removed at once; a running one is told through Redis
 * pub/sub, and its worker aborts the docker build and records `cancelled`.
 */
export async function requestCancel(deps: QueueingDeps, buildId: string, reason: string): Promise<Build> {
  const build = await deps.builds.get(buildId);
  if (FINAL_BUILD_STATES.includes(build.state)) {
    throw new SlipwayError('BUILD_NOT_CANCELLABLE', `build ${buildId} already ${build.state}`, { build: buildId, state: build.state });
  }
  if (build.state === 'queued' && (await cancelQueued(deps, buildId, reason))) return deps.builds.get(buildId);
  await deps.redis.set(deps.keys.buildCancel(buildId), reason, 'EX', 3600);
  await deps.redis.publish(deps.keys.cancelChannel, buildId);
  return deps.builds.get(buildId);
}
