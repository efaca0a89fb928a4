import { enqueueBuild } from './build-queue.js';
import { cancelIfReplaced, type QueueingDeps } from './build-queueing.js';
import { LIVE_JOB_STATES, withSweepLock } from './sweep-lock.js';
import type { BuildLog } from '../store/build-log.js';
import { branchOf } from '../store/build-store.js';
import { FINAL_BUILD_STATES } from '../store/types.js';

/** A build this young may be between its record and its job (queueBuild writes one, then the other). */
const MIN_AGE_MS = 10_000;
/** Queued again this often without ever running: the queue keeps losing it; fail it instead. */
const MAX_REQUEUES = 3;
const REQUEUE_MEMORY_S = 24 * 3600;

export type SweepDeps = QueueingDeps & { logs: Pick<BuildLog, 'append'> };

export interface SweepReport {
  checked: number;
  /** Given their job again. */
  requeued: string[];
  /** A newer build of the branch is queued: cancelled as superseded, as queueBuild would have. */
  superseded: string[];
  /** Lost their job too often (BUILD_JOB_LOST), or their worker and its job (BUILD_WORKER_LOST): failed. */
  failed: string[];
}


/**
 * Finds builds whose record is unfinished but that BullMQ will never run or finish: no job
 * under the build's id, or only a finished one. Causes: a process that died between the record
 * and its job (the hand-off: build-queueing.ts), a worker and its job both lost (a Redis that
 * lost its last second of writes), a job id a deleted app left behind. Settles each:
 * - a newer build of its branch is queued → cancelled as superseded, as queueBuild would have;
 * - a queued record, or a running one whose job is gone → queued again (a running one starts
 *   over from the clone, as after a worker's death), at most MAX_REQUEUES times, then failed
 *   with BUILD_JOB_LOST;
 * - a running record whose job finished → failed with BUILD_WORKER_LOST (the job was failed as
 *   stalled and the process that would have written the record died too).
 * Safe to run from every worker and API at once: one sweep runs at a time (a Redis lock), and
 * every step is idempotent (the job id is the build id). Returns undefined when another
 * process holds the lock.
 */
export async function sweepQueuedBuilds(deps: SweepDeps, options: { minAgeMs?: number; backfill?: boolean } = {}): Promise<SweepReport | undefined> {
  const { redis, keys, builds } = deps;
  return withSweepLock(redis, keys.sweepLock, async () => {
    const report: SweepReport = { checked: 0, requeued: [], superseded: [], failed: [] };
    // Records from before the unfinished index existed join it once, at a process's start.
    if (options.backfill) await builds.indexUnfinished();
    const minAgeMs = options.minAgeMs ?? MIN_AGE_MS;
    for (const id of await builds.unfinishedIds()) {
      // The job first, then the record: a job that finished did so after its worker wrote the
      // record, so a record still unfinished after a finished job is truly stranded.
      const job = await deps.buildQueue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (LIVE_JOB_STATES.has(state)) continue;
      const build = await builds.find(id);
      if (!build || FINAL_BUILD_STATES.includes(build.state)) {
        await builds.unindex(id);
        continue;
      }
      if (Date.now() - Date.parse(build.createdAt) < minAgeMs) continue;
      report.checked++;
      const now = new Date().toISOString();
      if (await cancelIfReplaced(deps, build)) {
        report.superseded.push(id);
        continue;
      }
      if (build.state !== 'queued' && state !== 'missing') {
        const reason = `the worker running this build was lost and its job ended ${state}`;
        await deps.logs.append(id, [`--> Build failed: ${reason}`]);
        await builds.update(id, { state: 'failed', failure: { step: build.state, code: 'BUILD_WORKER_LOST', reason, logTail: [] }, finishedAt: now });
        report.failed.push(id);
        continue;
      }
      const tries = await redis.incr(keys.buildRequeues(id));
      await redis.expire(keys.buildRequeues(id), REQUEUE_MEMORY_S);
      if (tries > MAX_REQUEUES) {
        const reason = `its queue job was lost ${tries} times (queued again ${MAX_REQUEUES} times); not queued again`;
        await deps.logs.append(id, [`--> Build failed while ${build.state}: ${reason}`]);
        await builds.update(id, { state: 'failed', failure: { step: build.state, code: 'BUILD_JOB_LOST', reason, logTail: [] }, finishedAt: now });
        report.failed.push(id);
        continue;
      }
      // A finished job under this id is not this build's run (its record would have moved on).
      if (job) await job.remove().catch(() => undefined);
      if (build.state !== 'queued') await builds.update(id, { state: 'queued' });
      await enqueueBuild(deps.buildQueue, build);
      // The branch's queued build again, unless a newer one took the slot meanwhile.
      await redis.set(keys.queuedBuild(build.app, branchOf(build.ref)), id, 'NX');
      const was = build.state === 'queued' ? `its queue job was ${state === 'missing' ? 'missing' : `${state}, not this build's`}` : `its worker and its queue job were lost while ${build.state}`;
      await deps.logs.append(id, [`--> Queued again: ${was}`]);
      report.requeued.push(id);
    }
    return report;
  });
}
