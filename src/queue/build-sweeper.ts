import { randomUUID } from 'node:crypto';
import { enqueueBuild } from './build-queue.js';
import type { QueueingDeps } from './build-queueing.js';
import { deleteIfEquals } from './job-lock.js';
import type { BuildLog } from '../store/build-log.js';

/** Job states in which BullMQ will still run a build: nothing to do. */
const LIVE = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);
/** A build this young may be between its record and its job (queueBuild writes one, then the other). */
const MIN_AGE_MS = 15_000;
/** Queued again this often without ever running: the queue keeps losing it; fail it instead. */
const MAX_REQUEUES = 3;
const REQUEUE_MEMORY_S = 24 * 3600;
const LOCK_MS = 60_000;

export type SweepDeps = QueueingDeps & { logs: Pick<BuildLog, 'append'> };

export interface SweepReport {
  checked: number;
  /** Given their job again. */
  requeued: string[];
  /** A newer build of the branch is queued: cancelled as superseded, as queueBuild would have. */
  superseded: string[];
  /** Lost their job too often: failed with BUILD_JOB_LOST. */
  failed: string[];
}

/** What the sweeper logs with: pino's logger, or fastify's. */
type SweepLogger = { warn(details: object, message: string): void; error(details: object, message: string): void };

const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');

/**
 * Finds builds whose record says `queued` but that BullMQ will never run (no job under the
 * build's id, or only a finished one: a crash between record and job, a job id a deleted app
 * left behind, a Redis restored from an older snapshot) and settles each: queued again, or
 * cancelled when a newer build of its branch is queued, or failed after MAX_REQUEUES tries.
 * Safe to run from every worker and API at once: one sweep runs at a time (a Redis lock), and
 * every step is idempotent (the job id is the build id). Returns undefined when another
 * process holds the lock.
 */
export async function sweepQueuedBuilds(deps: SweepDeps, options: { minAgeMs?: number; backfill?: boolean } = {}): Promise<SweepReport | undefined> {
  const { redis, keys, builds } = deps;
  const holder = randomUUID();
  if ((await redis.set(keys.sweepLock, holder, 'PX', LOCK_MS, 'NX')) !== 'OK') return undefined;
  const report: SweepReport = { checked: 0, requeued: [], superseded: [], failed: [] };
  try {
    // Records from before the queued index existed join it once, at a process's start.
    if (options.backfill) await builds.indexQueued();
    const minAgeMs = options.minAgeMs ?? MIN_AGE_MS;
    for (const id of await builds.queuedIds()) {
      // The job first, then the record: a job that finished did so after its worker wrote the
      // record, so a record still `queued` after a finished job is truly stranded.
      const job = await deps.buildQueue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (LIVE.has(state)) continue;
      const build = await builds.find(id);
      if (!build || build.state !== 'queued') {
        await builds.unindexQueued(id);
        continue;
      }
      if (Date.now() - Date.parse(build.createdAt) < minAgeMs) continue;
      report.checked++;
      const queuedId = await redis.get(keys.queuedBuild(build.app, branchOf(build.ref)));
      const newer = queuedId && queuedId !== id ? await builds.find(queuedId) : undefined;
      if (newer && newer.number > build.number) {
        await builds.update(id, {
          state: 'cancelled',
          cancellation: { reason: `superseded by build ${newer.id} (${newer.sha.slice(0, 7)})`, step: 'queued' },
          finishedAt: new Date().toISOString(),
        });
        report.superseded.push(id);
        continue;
      }
      const tries = await redis.incr(keys.buildRequeues(id));
      await redis.expire(keys.buildRequeues(id), REQUEUE_MEMORY_S);
      if (tries > MAX_REQUEUES) {
        const reason = `its queue job was lost ${tries} times (queued again ${MAX_REQUEUES} times); not queued again`;
        await deps.logs.append(id, [`--> Build failed while queued: ${reason}`]);
        await builds.update(id, { state: 'failed', failure: { step: 'queued', code: 'BUILD_JOB_LOST', reason, logTail: [] }, finishedAt: new Date().toISOString() });
        report.failed.push(id);
        continue;
      }
      // A finished job under this id is not this build's run (its record would have moved on).
      if (job) await job.remove().catch(() => undefined);
      await enqueueBuild(deps.buildQueue, build);
      // The branch's queued build again, unless a newer one took the slot meanwhile.
      await redis.set(keys.queuedBuild(build.app, branchOf(build.ref)), id, 'NX');
      await deps.logs.append(id, [`--> Queued again: its queue job was ${state === 'missing' ? 'missing' : `${state}, not this build's`}`]);
      report.requeued.push(id);
    }
    return report;
  } finally {
    await deleteIfEquals(redis, keys.sweepLock, holder);
  }
}

/**
 * Sweeps once now (with the backfill) and, with `intervalMs`, again every interval until
 * stopped. Failures are logged, never thrown: a sweep that fails is retried next interval.
 */
export function startBuildSweeper(params: { deps: SweepDeps; logger: SweepLogger; intervalMs?: number; minAgeMs?: number }): { stop(): Promise<void> } {
  const { deps, logger, intervalMs } = params;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const sweep = (backfill: boolean) => {
    running = running
      .then(() => (stopped ? undefined : sweepQueuedBuilds(deps, { backfill, minAgeMs: params.minAgeMs })))
      .then((report) => {
        if (report && (report.requeued.length || report.superseded.length || report.failed.length)) logger.warn(report, 'queued builds without a job settled');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'sweeping queued builds failed'));
  };
  sweep(true);
  const timer = intervalMs ? setInterval(() => sweep(false), intervalMs) : undefined;
  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
