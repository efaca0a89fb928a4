import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import type { ReleaseCommand, ReleaseStore } from '../store/release-store.js';
import type { Release } from '../store/types.js';
import { rolloutInFlight } from '../store/views.js';

/**
 * The release a promote or abort is for: the app's blue-green or canary rollout in progress, or
 * a blue-green release in its scale-down delay (the one before still scaled: an abort switches
 * straight back, a promote scales it down now).
 */
export async function rolloutInProgress(deps: { releases: ReleaseStore }, app: string): Promise<Release | undefined> {
  const recent = await deps.releases.list(app, 10);
  return recent.find(rolloutInFlight);
}

/**
 * `slipway promote` and `slipway abort`: leaves the command for the deploy job that holds the
 * rollout (progressive/hold.ts), which acts on it within a second; answers the release it is for.
 */
export async function commandRollout(deps: { apps: AppStore; releases: ReleaseStore }, params: { app: string; command: ReleaseCommand }): Promise<Release> {
  const app = await deps.apps.get(params.app);
  const release = await rolloutInProgress(deps, app.name);
  if (!release) throw new SlipwayError('ROLLOUT_NOT_IN_PROGRESS', `app "${app.name}" has no blue-green or canary rollout in progress to ${params.command === 'abort' ? 'abort' : 'promote'}`, { app: app.name });
  await deps.releases.requestCommand(app.name, release.number, params.command);
  return release;
}
