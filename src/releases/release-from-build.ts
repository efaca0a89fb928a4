import type { AppStore } from '../store/app-store.js';
import type { BuildStore } from '../store/build-store.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { Build, Release } from '../store/types.js';
import { recordRelease } from './make-release.js';

/**
 * What a succeeded build becomes: the app's next release when the app deploys its builds (the
 * default) and the build is of the tracked branch; nothing otherwise (builds of other filtered
 * branches are images only), nor when a newer build of the app was released already.
 * Idempotent: asked again for the same build, it answers with the release it made the first time.
 */
export async function releaseFromBuild(deps: { apps: AppStore; builds: BuildStore; releases: ReleaseStore }, params: { buildId: string }): Promise<Release | undefined> {
  const build = await deps.builds.find(params.buildId);
  const app = build && (await deps.apps.find(build.app));
  if (!build?.image || build.state !== 'succeeded' || !app) return undefined;
  if (!app.deploy.autoDeploy || build.ref !== `refs/heads/${app.branch}`) return undefined;
  // Deploy jobs may run out of order (a lock wait, a crashed worker's job taken over later): an
  // older build never becomes a release after a newer build's release was made.
  if (await newerBuildReleased(deps.releases, build)) return undefined;
  const number = await deps.releases.numberForBuild(app.name, build.id);
  const made = await deps.releases.find(app.name, number);
  if (made) return made;
  return recordRelease(deps.releases, {
    app,
    number,
    image: `${build.image.repository}@${build.image.digest}`,
    commit: build.sha,
    ...(build.releaseCommand ? { releaseCommand: build.releaseCommand } : {}),
    trigger: { kind: build.trigger.kind === 'webhook' ? 'webhook' : 'api', buildId: build.id },
  });
}

async function newerBuildReleased(releases: ReleaseStore, build: Build): Promise<boolean> {
  const buildNumber = (id: string | undefined) => (id?.startsWith(`${build.app}-`) ? Number(id.slice(build.app.length + 1)) : 0);
  return (await releases.list(build.app, 20)).some((release) => buildNumber(release.trigger.buildId) > build.number);
}
