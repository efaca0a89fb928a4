import { makeRelease, type ReleaseDeps } from '../releases/make-release.js';
import type { AppStore } from '../store/app-store.js';
import type { App, DeployConfig, Release } from '../store/types.js';
import { checkHostClaims } from './host-claims.js';

/**
 * Saves a change to how an app runs. An app that is running gets it as a new release
 * (trigger `config`), rolled out and gated like any other, so a rollback restores it;
 * `rollout: false` saves it for the next release only (hooks, strategy). A host another app
 * routes already is refused (host-claims.ts).
 */
export async function changeApp(
  deps: ReleaseDeps & { apps: AppStore },
  params: { app: App; deploy: DeployConfig; rollout?: boolean },
): Promise<{ app: App; release?: Release }> {
  await checkHostClaims(deps.apps, { app: params.app.name, deploy: params.deploy, before: params.app.deploy });
  const app = { ...params.app, deploy: params.deploy };
  if (params.rollout === false || !(await deps.releases.current(app.name))) return { app: await deps.apps.replace(app) };
  // The config and the release that deploys it are saved together (makeRelease's saveApp).
  return { app, release: await makeRelease(deps, { app, trigger: { kind: 'config' }, saveApp: true }) };
}
