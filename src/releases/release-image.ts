import type { Config } from '../config.js';
import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import type { BuildStore } from '../store/build-store.js';
import { mergeDeployConfig } from '../store/deploy-config.js';
import type { DeployConfigPatch, Release } from '../store/types.js';
import { deployableImage, makeRelease, type ReleaseDeps } from './make-release.js';

/**
 * Deploys an image by digest, a succeeded build, or (neither) the current image again; a
 * `deploy` change is saved on the app and goes out in the same release.
 */
export async function releaseImage(
  deps: ReleaseDeps & { apps: AppStore; builds: BuildStore; config: Pick<Config, 'namespaces'> },
  params: { app: string; image?: string; buildId?: string; deploy?: DeployConfigPatch },
): Promise<Release> {
  let app = await deps.apps.get(params.app);
  let image = params.image;
  let releaseCommand: string | undefined;
  if (params.buildId) {
    const build = await deps.builds.get(params.buildId);
    if (build.app !== app.name || build.state !== 'succeeded' || !build.image) {
      throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `build ${build.id} is not a succeeded build of "${app.name}"`, { build: build.id, state: build.state });
    }
    image = `${build.image.repository}@${build.image.digest}`;
    releaseCommand = build.releaseCommand ?? '';
  }
  // Checked before the deploy change is saved: a release refused here changes nothing.
  image = await deployableImage(deps.releases, { app: app.name, image });
  if (params.deploy) app = { ...app, deploy: mergeDeployConfig(app.deploy, params.deploy, deps.config.namespaces) };
  return makeRelease(deps, { app, image, ...(releaseCommand !== undefined ? { releaseCommand } : {}), trigger: { kind: 'api', buildId: params.buildId }, saveApp: Boolean(params.deploy) });
}
