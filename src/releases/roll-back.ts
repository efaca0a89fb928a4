import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import { FORMER_RELEASE_STATES, type Release } from '../store/types.js';
import { makeRelease, type ReleaseDeps } from './make-release.js';

/**
 * Rolls back to release `to` (default: the newest release before the current one that
 * was ever current) as a new release carrying that release's image and config.
 */
export async function rollBack(deps: ReleaseDeps & { apps: AppStore }, params: { app: string; to?: number }): Promise<Release> {
  const app = await deps.apps.get(params.app);
  const current = await deps.releases.current(app.name);
  const history = await deps.releases.list(app.name);
  const wanted = params.to
    ? await deps.releases.get(app.name, params.to)
    : history.find((r) => r.number !== current?.number && FORMER_RELEASE_STATES.includes(r.status) && r.number < (current?.number ?? Infinity));
  if (!wanted) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `app "${app.name}" has no earlier good release to roll back to`, { app: app.name });
  if (wanted.number === current?.number) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `release ${wanted.number} is already current`, { release: wanted.number });
  // As on Heroku, a rollback restores the config too (env, secrets, probes, volumes, hooks):
  // the app's config becomes the target's. Scale is the app's, not the release's: it stays.
  const config = { ...wanted.config, replicas: app.deploy.replicas };
  return makeRelease(deps, { app: { ...app, deploy: config }, image: wanted.image, config, port: wanted.port, releaseCommand: wanted.releaseCommand ?? '', trigger: { kind: 'rollback', rollbackOf: wanted.number }, saveApp: true });
}
