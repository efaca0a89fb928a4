import type { Config } from '../config.js';
import { SlipwayError } from '../errors.js';
import { dryRunRelease, type DryRunDeps } from '../releases/dry-run.js';
import type { AppStore } from '../store/app-store.js';
import type { App, DeployConfig } from '../store/types.js';
import type { DryRunView } from '../store/views.js';
import { newAppRecord, type AppInput } from './create-app.js';

/**
 * The image a release of an app not built yet shows, as `oc new-app -o yaml` shows an
 * ImageStreamTag it has not built: where the build would push, and a digest to come.
 */
export function placeholderImage(config: Pick<Config, 'registry'>, app: string): string {
  return `${config.registry.host}/${app}@sha256:<digest-of-its-first-build>`;
}

/**
 * `slipway new-app --dry-run`: the app as it would be created and its first release's manifests,
 * with the image its first build would push still to come, and the diff against the cluster.
 * Nothing is stored, built or applied; an app of that name is refused (APP_EXISTS) as a real create is.
 */
export async function dryRunNewApp(deps: DryRunDeps & { apps: AppStore; config: Config }, input: AppInput): Promise<DryRunView> {
  if (await deps.apps.find(input.name)) throw new SlipwayError('APP_EXISTS', `app "${input.name}" already exists`, { app: input.name });
  const app = await newAppRecord(deps.config, input);
  return dryRunRelease(deps, {
    spec: { app, trigger: { kind: 'api' } },
    placeholder: {
      image: placeholderImage(deps.config, app.name),
      note: `a build of ${app.repo}#${app.branch} would run first; its image (by digest) replaces ${placeholderImage(deps.config, app.name)}`,
    },
  });
}

/**
 * A dry run of a change to how an app runs (PATCH /apps/:app, env): the release changeApp would
 * make. An app with no current release gets none (the change waits for its next release): then
 * the release it would render is shown, with the image still to come.
 */
export async function dryRunChange(deps: DryRunDeps & { config: Config }, params: { app: App; deploy: DeployConfig }): Promise<DryRunView> {
  const app = { ...params.app, deploy: params.deploy };
  return dryRunRelease(deps, {
    spec: { app, trigger: { kind: 'config' }, saveApp: true },
    placeholder: { image: placeholderImage(deps.config, app.name), note: `app "${app.name}" has no current release: the change would be saved, and its next release would render this` },
  });
}
