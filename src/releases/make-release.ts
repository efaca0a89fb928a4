import { SlipwayError } from '../errors.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { App, DeployConfig, Release, ReleaseTrigger } from '../store/types.js';
import { configHash, renderManifests } from './render/render.js';

const DIGEST_REFERENCE = /^[a-z0-9.:/_-]+@sha256:[0-9a-f]{64}$/;

/**
 * Creates release N (pending) with its manifests rendered now, so what gets applied, and
 * later re-applied by a rollback, is exactly what was recorded. Without an image it reuses
 * the current release's (a config-only change); without config, the app's.
 */
export async function createRelease(params: {
  releases: ReleaseStore;
  app: App;
  trigger: ReleaseTrigger;
  image?: string;
  config?: DeployConfig;
  port?: number;
  /** A restart: stamped on the pod template so every pod is replaced. */
  restartedAt?: string;
}): Promise<Release> {
  const { releases, app, trigger } = params;
  const image = params.image ?? (await releases.current(app.name))?.image;
  if (!image) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `app "${app.name}" has no image yet: build it first, or give an image`, { app: app.name });
  if (!DIGEST_REFERENCE.test(image)) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `image "${image}" must be referenced by digest (repo@sha256:...)`, { image });
  const config = params.config ?? app.deploy;
  const port = params.port ?? app.port;
  const number = await releases.nextNumber(app.name);
  return releases.save({
    app: app.name,
    number,
    image,
    config,
    port,
    configHash: configHash({ port, config }),
    manifests: renderManifests({ app: app.name, release: number, image, port, config, ...(params.restartedAt ? { restartedAt: params.restartedAt } : {}) }),
    status: 'pending',
    trigger,
    ...(params.restartedAt ? { restartedAt: params.restartedAt } : {}),
    createdAt: new Date().toISOString(),
  });
}
