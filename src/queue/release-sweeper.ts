import type { AppStore } from '../store/app-store.js';
import type { BuildStore } from '../store/build-store.js';
import type { Keys } from '../store/keys.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { Redis } from 'ioredis';
import { enqueueBuildSucceeded, enqueueDeploy, type DeployQueue } from './deploy-queue.js';
import { LIVE_JOB_STATES, withSweepLock } from './sweep-lock.js';

/** A release this young may be between its record and its job (makeRelease writes one, then the other). */
const MIN_AGE_MS = 10_000;
/** Queued again this often and still not settled: failed instead. */
const MAX_REQUEUES = 3;
const REQUEUE_MEMORY_S = 24 * 3600;
/** A succeeded build older than this whose report never reached the deploy side is left alone (someone may have turned deploys off since). */
const REPORT_WINDOW_MS = 3600_000;

export interface ReleaseSweepDeps {
  redis: Redis;
  keys: Keys;
  apps: AppStore;
  builds: BuildStore;
  releases: ReleaseStore;
  deployQueue: DeployQueue;
}

export interface ReleaseSweepReport {
  checked: number;
  /** `<app>#<n>`: pending or deploying with no live job; their rollout queued again (a deploy worker resumes a deploying one). */
  requeued: string[];
  /** `<app>#<n>`: lost their job too often; failed with DeployJobLost. */
  failed: string[];
  /** Build ids: succeeded within the hour, the app deploys its builds, but no release and no report job: reported again. */
  reported: string[];
}

/**
 * The deploy side's reconciler. Finds releases whose record is pending or deploying but that no
 * deploy job will roll out (a process that died between record and job, a job failed after its
 * workers died too often, a job Redis lost) and queues each again, or fails it after
 * MAX_REQUEUES; and the newest succeeded build of each app's tracked branch whose "build
 * succeeded" report never became a job. Safe from every process at once: one sweep at a time (a
 * Redis lock), and every step is idempotent (job ids are `<app>-r<n>` and `<app>-b<n>`; a
 * deploying release is resumed, not applied twice). Undefined when another process holds the lock.
 */
export async function sweepReleases(deps: ReleaseSweepDeps, options: { minAgeMs?: number; backfill?: boolean } = {}): Promise<ReleaseSweepReport | undefined> {
  const { redis, keys, releases } = deps;
  const minAgeMs = options.minAgeMs ?? MIN_AGE_MS;
  const jobState = async (id: string) => (await (await deps.deployQueue.getJob(id))?.getState()) ?? 'missing';
  return withSweepLock(redis, keys.releaseSweepLock, async () => {
    const report: ReleaseSweepReport = { checked: 0, requeued: [], failed: [], reported: [] };
    if (options.backfill) await releases.indexUnsettled();
    for (const { app, number } of await releases.unsettled()) {
      const release = await releases.find(app, number);
      if (!release || !['pending', 'deploying'].includes(release.status)) {
        await releases.unindex(app, number);
        continue;
      }
      if (Date.now() - Date.parse(release.createdAt) < minAgeMs) continue;
      const build = release.trigger.buildId ? await deps.builds.find(release.trigger.buildId) : undefined;
      const jobIds = [`${app}-r${number}`, ...(build ? [`${app}-b${build.number}`] : [])];
      const states = await Promise.all(jobIds.map(jobState));
      if (states.some((state) => LIVE_JOB_STATES.has(state))) continue;
      report.checked++;
      const member = `${app}#${number}`;
      const tries = await redis.incr(keys.releaseRequeues(app, number));
      await redis.expire(keys.releaseRequeues(app, number), REQUEUE_MEMORY_S);
      if (tries > MAX_REQUEUES) {
        const at = new Date().toISOString();
        const message = `its rollout job was lost ${tries} times (queued again ${MAX_REQUEUES} times); not queued again`;
        await releases.update(app, number, { status: 'failed', failure: { reason: 'DeployJobLost', message, pods: [], detectedAt: at }, finishedAt: at });
        report.failed.push(member);
        continue;
      }
      // A finished job under the release's id ended without settling it: it goes, and a new one comes.
      await (await deps.deployQueue.getJob(jobIds[0]!))?.remove().catch(() => undefined);
      await enqueueDeploy(deps.deployQueue, release);
      report.requeued.push(member);
    }
    for (const app of await deps.apps.list()) {
      if (!app.deploy.autoDeploy) continue;
      const newest = (await deps.builds.listForApp(app.name, 20)).find((b) => b.ref === `refs/heads/${app.branch}` && b.state === 'succeeded');
      if (!newest?.finishedAt || Date.now() - Date.parse(newest.finishedAt) > REPORT_WINDOW_MS || Date.now() - Date.parse(newest.finishedAt) < minAgeMs) continue;
      if (await redis.exists(keys.buildRelease(newest.id))) continue;
      if ((await jobState(`${app.name}-b${newest.number}`)) !== 'missing') continue;
      await enqueueBuildSucceeded(deps.deployQueue, newest);
      report.reported.push(newest.id);
    }
    return report;
  });
}
