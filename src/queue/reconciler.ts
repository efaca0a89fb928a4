import { sweepQueuedBuilds, type SweepDeps } from './build-sweeper.js';
import { sweepReleases, type ReleaseSweepDeps } from './release-sweeper.js';

/** What the reconciler logs with: pino's logger, or fastify's. */
type ReconcileLogger = { warn(details: object, message: string): void; error(details: object, message: string): void };

/** How often every worker reconciles (issue 17): a hand-off cut by a crash is finished within about this plus the sweepers' minimum age. */
export const RECONCILE_INTERVAL_MS = 15_000;

/**
 * The reconciler: settles builds and releases whose record has no job that will finish it
 * (build-sweeper.ts, release-sweeper.ts). Sweeps once now (with the backfill of the indexes) and,
 * with `intervalMs`, again every interval until stopped. Every API process runs it at start and
 * every worker periodically; each sweep takes a Redis lock, so replicas never sweep at once.
 * Failures are logged, never thrown: a sweep that fails is retried next interval.
 */
export function startReconciler(params: { deps: SweepDeps & ReleaseSweepDeps; logger: ReconcileLogger; intervalMs?: number; minAgeMs?: number }): { stop(): Promise<void> } {
  const { deps, logger, intervalMs } = params;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const sweep = (backfill: boolean) => {
    running = running
      .then(async () => {
        if (stopped) return;
        const builds = await sweepQueuedBuilds(deps, { backfill, minAgeMs: params.minAgeMs });
        if (builds && (builds.requeued.length || builds.superseded.length || builds.failed.length)) logger.warn(builds, 'builds without a live job settled');
        if (stopped) return;
        const releases = await sweepReleases(deps, { backfill, minAgeMs: params.minAgeMs });
        if (releases && (releases.requeued.length || releases.failed.length || releases.reported.length)) logger.warn(releases, 'releases without a live job settled');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'reconciling builds and releases failed'));
  };
  sweep(true);
  const timer = intervalMs ? setInterval(() => sweep(false), intervalMs) : undefined;
  timer?.unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
