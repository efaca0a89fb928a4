import { describeConfigRevert } from '../../store/describe-config-revert.js';
import { sameJson } from '../../store/same-json.js';
import type { App, DeployConfig, Release } from '../../store/types.js';

/** What an automatic rollback does to the app's stored config (decided by configRevert). */
export type ConfigRevert =
  /** Store `app`: the restored release's config and port, with the app's own replicas; `reverted` says what that changes. */
  | { action: 'write'; app: App; reverted: string[] }
  /** The stored config already is the restored release's (a resumed rollback wrote it); `reverted` says how it differs from the failed one's. */
  | { action: 'already'; reverted: string[] }
  /** The stored config was changed again after the failed release: it is the user's newer word, left as it is. */
  | { action: 'keep'; why: string };

/**
 * After release `failed` was rolled back to `restored`, the app's stored config must say what
 * runs (Argo Rollouts, Helm --atomic): else `slipway env list` shows the bad value and the next
 * push deploys it again. Only when the stored config still is the one `failed` deployed
 * (replicas, strategy and autoscaler aside: they are the app's, not a release's, see roll-back.ts); `newer` is the
 * newest release recorded, named when the config moved on since `failed`. Pure.
 */
export function configRevert(params: { app: App; failed: Release; restored: Release; newer?: number }): ConfigRevert {
  const { app, failed, restored } = params;
  if (sameSettings(app, failed)) {
    const deploy: DeployConfig = withAppOwned(restored.config, app);
    const reverted = describeConfigRevert({ from: app.deploy, to: deploy, ports: { from: app.port, to: restored.port } });
    return reverted.length ? { action: 'write', app: { ...app, deploy, port: restored.port }, reverted } : { action: 'already', reverted };
  }
  if (sameSettings(app, restored)) {
    const from: DeployConfig = withAppOwned(failed.config, app);
    return { action: 'already', reverted: describeConfigRevert({ from, to: app.deploy, ports: { from: failed.port, to: app.port } }) };
  }
  const newer = params.newer !== undefined && params.newer > failed.number ? ` (release ${params.newer} is recorded since)` : '';
  return { action: 'keep', why: `the app's config was changed again after release ${failed.number}${newer}: left as it is` };
}

/** The app's stored config and port are the ones `release` deployed, replicas and strategy aside. */
function sameSettings(app: App, release: Release): boolean {
  return app.port === release.port && sameJson(withAppOwned(app.deploy, app), withAppOwned(release.config, app));
}

/**
 * A release's config with what belongs to the app rather than to a release: its scale, the
 * strategy releases roll out with (a failed canary must not turn the app back to Rolling), and
 * its autoscaler (a failed env change must not delete the HPA set after the release it returns to).
 */
function withAppOwned(config: DeployConfig, app: App): DeployConfig {
  const { strategy: _, autoscale: _autoscale, ...rest } = config;
  return {
    ...rest,
    replicas: app.deploy.replicas,
    ...(app.deploy.strategy ? { strategy: app.deploy.strategy } : {}),
    ...(app.deploy.autoscale ? { autoscale: app.deploy.autoscale } : {}),
  };
}
