import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import type { Release } from '../store/types.js';
import { makeRelease, type ReleaseDeps } from './make-release.js';

/**
 * Replaces every pod of the running release, as `kubectl rollout restart` does (a timestamp
 * annotation on the pod template). It is a release of its own (trigger `restart`, the current
 * release's image and config, the app's scale): so the rollout is gated and rolled back like any
 * other, and the history says who restarted what and when. Hooks do not run: nothing changed.
 */
export async function restartApp(deps: ReleaseDeps & { apps: AppStore }, params: { app: string }): Promise<Release> {
  const app = await deps.apps.get(params.app);
  const current = await deps.releases.current(app.name);
  if (!current) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `app "${app.name}" has no current release to restart`, { app: app.name });
  const { strategy: _, ...config } = current.config;
  return makeRelease(deps, {
    app,
    image: current.image,
    // The app's scale and strategy: a blue-green app restarts blue-green.
    config: { ...config, replicas: app.deploy.replicas, ...(app.deploy.strategy ? { strategy: app.deploy.strategy } : {}) },
    port: current.port,
    trigger: { kind: 'restart' },
    restartedAt: new Date().toISOString(),
  });
}
