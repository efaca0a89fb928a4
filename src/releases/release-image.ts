import type { Config } from '../config.js';
import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import type { BuildStore } from '../store/build-store.js';
import { mergeDeployConfig } from '../store/deploy-config.js';
import type { DeployConfigPatch, Release } from '../store/types.js';
import type { ReleaseStore } from '../store/release-store.js';
import { deployableImage, makeRelease, type ReleaseDeps, type ReleaseSpec } from './make-release.js';

/**
 * Deploys an image by digest, a succeeded build, or (neither) the current image again; a
 * `deploy` change is saved on the app and goes out in the same release.
 */
export async function releaseImage(
  deps: ReleaseDeps & { apps: AppStore; builds: BuildStore; config: Pick<Config, 'namespaces'> },
  params: { app: string; image?: string; buildId?: string; deploy?: DeployConfigPatch },
): Promise<Release> {
  return makeRelease(deps, await imageReleaseSpec(deps, params));
}

/** The release releaseImage makes, checked but not made (a dry run shows it: dry-run.ts). */
export async function imageReleaseSpec(
  deps: { releases: ReleaseStore; apps: AppStore; builds: BuildStore; config: Pick<Config, 'namespaces'> },
  params: { app: string; image?: string; buildId?: string; deploy?: DeployConfigPatch },
): Promise<ReleaseSpec> {
  let app = await deps.apps.get(params.app);
  let image = params.image;
  let releaseCommand: string | undefined;
  let commit: string | undefined;
  if (params.buildId) {
    const build = await deps.builds.get(params.buildId);
    if (build.app !== app.name || build.state !== 'succeeded' || !build.image) {
      throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `build ${build.id} is not a succeeded build of "${app.name}"`, { build: build.id, state: build.state });
    }
    image = `${build.image.repository}@${build.image.digest}`;
    releaseCommand = build.releaseCommand ?? '';
    commit = build.sha;
  }
  // Checked before the deploy change is saved: a release refused here changes nothing.
  image = await deployableImage(deps.releases, { app: app.name, image });
  if (params.deploy) app = { ...app, deploy: mergeDeployConfig(app.deploy, params.deploy, deps.config.namespaces) };
  return { app, image, ...(releaseCommand !== undefined ? { releaseCommand } : {}), ...(commit ? { commit } : {}), trigger: { kind: 'api', buildId: params.buildId }, saveApp: Boolean(params.deploy) };
}
