import type { Redis } from 'ioredis';
import { SlipwayError } from '../errors.js';
import { enqueueBuild, type BuildQueue } from './build-queue.js';
import { branchOf, type BuildStore } from '../store/build-store.js';
import type { Keys } from '../store/keys.js';
import { crashPoint } from '../crash-point.js';
import { FINAL_BUILD_STATES, type App, type Build, type BuildTrigger } from '../store/types.js';

export interface QueueingDeps {
  redis: Redis;
  keys: Keys;
  builds: BuildStore;
  buildQueue: BuildQueue;
}

/** Job states of a job no worker holds. */
const WAITING = ['waiting', 'delayed', 'prioritized', 'waiting-children'];
/** Why a build replaced by `newer` was cancelled. */
const supersededBy = (newer: Build) => `superseded by build ${newer.id} (${newer.sha.slice(0, 7)})`;

/**
 * Queues a build with OpenShift's `serial-latest-only` policy: per app + branch only the
 * newest queued build survives; the one it replaces is cancelled ("superseded"). With
 * `cancelRunning`, the running build of that branch is asked to stop too. Builds of
 * different apps or branches are untouched.
 *
 * The record, the sha index and the branch's slot are written in one atomic step
 * (BuildStore.createQueued); what follows (cancel the predecessor, add the job) is the
 * hand-off. A process that dies in the middle of it leaves a queued record on the unfinished
 * index, and the sweeper finishes the hand-off (build-sweeper.ts): the job is added, the
 * predecessor cancelled, by whichever process sweeps next.
 */
export async function queueBuild(deps: QueueingDeps, params: { app: App; ref: string; sha: string; trigger: BuildTrigger; cancelRunning?: boolean }): Promise<Build> {
  const created = await deps.builds.createQueued(params);
  if (created.kind !== 'created') throw new Error(`unreachable: ${created.kind} without a delivery or once`);
  await handOff(deps, { ...created, cancelRunning: params.cancelRunning });
  return created.build;
}

/** After the atomic record: the build it replaced leaves the queue, its job is added, the running one is asked to stop (cancelRunning). */
export async function handOff(deps: QueueingDeps, params: { build: Build; previous?: string; cancelRunning?: boolean }): Promise<void> {
  const { redis, keys } = deps;
  const { build, previous } = params;
  crashPoint('build-recorded');
  const reason = supersededBy(build);
  // The one it replaces leaves the queue first, so there is never more than one queued.
  if (previous) await cancelQueued(deps, previous, reason);
  crashPoint('predecessor-cancelled');
  await enqueueBuild(deps.buildQueue, build);
  if (params.cancelRunning) {
    const running = await redis.get(keys.runningBuild(build.app, branchOf(build.ref)));
    if (running && running !== build.id) await requestCancel(deps, running, reason);
  }
}

/**
 * Cancels `build` as superseded when its branch's queued slot holds a newer build: it was
 * replaced, but the process replacing it died before cancelling it (the hand-off above). Only
 * while its record is still as read (a compare-and-set), so a build that started meanwhile
 * runs on. The build worker asks before starting a queued build; the sweeper before queueing
 * one again. True when it was cancelled.
 */
export async function cancelIfReplaced(deps: Pick<QueueingDeps, 'redis' | 'keys' | 'builds'>, build: Build): Promise<boolean> {
  const queuedId = await deps.redis.get(deps.keys.queuedBuild(build.app, branchOf(build.ref)));
  const newer = queuedId && queuedId !== build.id ? await deps.builds.find(queuedId) : undefined;
  if (!newer || newer.number <= build.number) return false;
  const cancelled = { state: 'cancelled' as const, cancellation: { reason: supersededBy(newer), step: build.state }, finishedAt: new Date().toISOString() };
  return (await deps.builds.updateIf(build.id, cancelled, (b) => b.state === build.state)) !== undefined;
}

/**
 * Cancels a build that has not started: its job leaves the queue when it still waits there, and
 * its record goes from `queued` to `cancelled`. The record decides, not the job: a job may be
 * `active` only because its worker is waiting for the branch's lock, and a worker starts a
 * build only by moving its record out of `queued` (build-worker.ts), so of the two exactly one
 * wins (BuildStore.updateIf). False when the build had started.
 */
export async function cancelQueued(deps: QueueingDeps, buildId: string, reason: string): Promise<boolean> {
  const job = await deps.buildQueue.getJob(buildId);
  const state = job ? await job.getState() : 'unknown';
  // Taken by a worker in the meantime: the record below says whether it started.
  if (job && WAITING.includes(state)) await job.remove().catch(() => undefined);
  const cancelled = await deps.builds.updateIf(buildId, { state: 'cancelled', cancellation: { reason, step: 'queued' }, finishedAt: new Date().toISOString() }, (build) => build.state === 'queued');
  return cancelled !== undefined || (await deps.builds.find(buildId))?.state === 'cancelled';
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
