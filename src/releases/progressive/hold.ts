import type { DeployDeps } from '../roll-out.js';
import type { Release } from '../../store/types.js';
import { sideHealth, type SideHealth } from './sides.js';

/** How often a held rollout looks for a command, a newer release, the app's scale and its pods' health. */
const HOLD_TICK_MS = 1000;

/**
 * Thrown by a hold when its worker is closing (SIGTERM): the release stays `deploying` with its
 * step recorded, and the deploy worker hands the job back to the queue, so the rollout resumes
 * there (on another worker, or this one restarted) instead of keeping the process alive for a
 * manual gate that may wait for hours.
 */
export class RolloutParked extends Error {
  constructor(release: Release) {
    super(`the rollout of ${release.app} release ${release.number} was handed back: its worker is closing`);
  }
}

/** Why a hold ended. */
export type HoldEnd =
  | { kind: 'elapsed' }
  | { kind: 'promote'; full: boolean }
  | { kind: 'abort' }
  | { kind: 'newer'; number: number }
  | { kind: 'unhealthy'; health: SideHealth };

/**
 * Holds a rollout until `until` (forever without it: a manual gate), ending early on a user's
 * promote or abort, a newer release queued for the app (it takes over, as Argo Rollouts aborts
 * an update for a newer one), or, with `watch`, a pod of the release restarting or no longer
 * ready. `onTick` runs each second (a canary re-divides a changed scale there).
 */
export async function hold(params: {
  deps: DeployDeps;
  release: Release;
  until?: Date;
  watch?: { baselineRestarts: number };
  onTick?: () => Promise<HoldEnd | undefined>;
  /** When the worker closes: `park` the rollout (RolloutParked), or `end` the hold as elapsed. */
  onStop?: 'park' | 'end';
}): Promise<HoldEnd> {
  const { deps, release, watch } = params;
  const { app, number } = release;
  for (;;) {
    if (deps.stopping?.aborted) {
      if (params.onStop === 'end') return { kind: 'elapsed' };
      throw new RolloutParked(release);
    }
    const command = await deps.releases.takeCommand(app, number);
    if (command === 'abort') return { kind: 'abort' };
    if (command === 'promote' || command === 'promote-full') return { kind: 'promote', full: command === 'promote-full' };
    const newest = (await deps.releases.list(app, 1))[0];
    if (newest && newest.number > number && newest.status === 'pending') return { kind: 'newer', number: newest.number };
    if (watch) {
      const health = await sideHealth({ kc: deps.kc, namespace: release.config.namespace, app, release: number });
      if (health.restarts > watch.baselineRestarts || health.ready < health.pods) return { kind: 'unhealthy', health };
    }
    const ended = await params.onTick?.();
    if (ended) return ended;
    const left = params.until ? params.until.getTime() - Date.now() : HOLD_TICK_MS;
    if (left <= 0) return { kind: 'elapsed' };
    await tick(Math.min(HOLD_TICK_MS, left), deps.stopping);
  }
}

/** Waits `ms`, or less when `stopping` is aborted meanwhile; leaves no listener behind either way. */
function tick(ms: number, stopping?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopping?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stopping?.addEventListener('abort', done, { once: true });
  });
}

/** A hold that ended without a go-ahead, as a failed rollout's reason and message. */
export function holdFailure(end: Exclude<HoldEnd, { kind: 'elapsed' } | { kind: 'promote' }>, where: string): { reason: string; message: string; pods: SideHealth['problems'] } {
  if (end.kind === 'abort') return { reason: 'Aborted', message: `aborted by a user ${where}`, pods: [] };
  if (end.kind === 'newer') return { reason: 'Interrupted', message: `release ${end.number} was queued ${where}: it takes over from the stable release`, pods: [] };
  const { health } = end;
  const first = health.problems[0];
  return {
    reason: first?.restartCount ? 'CanaryRestarted' : 'CanaryNotReady',
    message: `${health.ready}/${health.pods} pods of the release ready, ${health.restarts} container restarts ${where}${first ? `: pod ${first.pod} ${first.reason}${first.message ? ` (${first.message})` : ''}` : ''}`,
    pods: health.problems,
  };
}
