import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import { FORMER_RELEASE_STATES, type Release } from '../store/types.js';
import { commandRollout } from './command-rollout.js';
import { makeRelease, type ReleaseDeps } from './make-release.js';

/**
 * Rolls back to release `to` (default: the newest release before the current one that
 * was ever current) as a new release carrying that release's image and config, rolled out
 * with the app's strategy.
 */
export async function rollBack(deps: ReleaseDeps & { apps: AppStore }, params: { app: string; to?: number }): Promise<Release> {
  const app = await deps.apps.get(params.app);
  const current = await deps.releases.current(app.name);
  // A blue-green release in its scale-down delay: the release before still runs, so going back
  // to it is the instant switch of an abort, not a new rollout (the answer is the aborted release).
  if (current?.progress?.phase === 'scaling-down' && (params.to === undefined || params.to === current.progress.stable)) {
    return commandRollout({ apps: deps.apps, releases: deps.releases }, { app: app.name, command: 'abort' });
  }
  const history = await deps.releases.list(app.name);
  const wanted = params.to
    ? await deps.releases.get(app.name, params.to)
    : history.find((r) => r.number !== current?.number && FORMER_RELEASE_STATES.includes(r.status) && r.number < (current?.number ?? Infinity));
  if (!wanted) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `app "${app.name}" has no earlier good release to roll back to`, { app: app.name });
  if (wanted.number === current?.number) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `release ${wanted.number} is already current`, { release: wanted.number });
  // As on Heroku, a rollback restores the config too (env, secrets, probes, volumes, hooks):
  // the app's config becomes the target's. Scale is the app's, not the release's: it stays.
  // The strategy is the app's too: a rollback rolls out the way the app's releases do now.
  // So is its autoscaler (it owns the scale): kept, or left off, as the app has it now.
  const { strategy: _, autoscale: _autoscale, ...restored } = wanted.config;
  const config = {
    ...restored,
    replicas: app.deploy.replicas,
    ...(app.deploy.strategy ? { strategy: app.deploy.strategy } : {}),
    ...(app.deploy.autoscale ? { autoscale: app.deploy.autoscale } : {}),
  };
  return makeRelease(deps, { app: { ...app, deploy: config }, image: wanted.image, config, port: wanted.port, releaseCommand: wanted.releaseCommand ?? '', ...(wanted.commit ? { commit: wanted.commit } : {}), trigger: { kind: 'rollback', rollbackOf: wanted.number }, saveApp: true });
}
