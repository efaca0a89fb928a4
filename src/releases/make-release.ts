import { crashPoint } from '../crash-point.js';
import { SlipwayError } from '../errors.js';
import { enqueueDeploy, type DeployQueue } from '../queue/deploy-queue.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { App, DeployConfig, Release, ReleaseTrigger } from '../store/types.js';
import { choosePreHook } from './hooks/release-phase.js';
import { configHash, renderManifests } from './render/render.js';

const DIGEST_REFERENCE = /^[a-z0-9.:/_-]+@sha256:[0-9a-f]{64}$/;

/** What making a release needs: where releases are kept and where their rollouts are queued. */
export interface ReleaseDeps {
  releases: ReleaseStore;
  deployQueue: DeployQueue;
}

export interface ReleaseSpec {
  app: App;
  trigger: ReleaseTrigger;
  image?: string;
  config?: DeployConfig;
  port?: number;
  /** A restart: stamped on the pod template so every pod is replaced. */
  restartedAt?: string;
  /** The commit the image was built from; unset, the current release's when the image is the same. */
  commit?: string;
  /** A number reserved earlier (see releaseFromBuild); a new one otherwise. */
  number?: number;
  /** The Procfile `release:` command of the image's build (`''`: it has none); unset, the current release's when the image is the same. */
  releaseCommand?: string;
  /** Save `app` (its changed config) in the same transaction as the release record (a config change, a rollback, a deploy with config). */
  saveApp?: boolean;
}

/**
 * The image a release of `app` runs: `image` when given, else the current release's; referenced
 * by digest, or RELEASE_NOT_DEPLOYABLE. Callers that also save a change check this first, so a
 * release that cannot be made leaves nothing changed.
 */
export async function deployableImage(releases: ReleaseStore, params: { app: string; image?: string }): Promise<string> {
  const image = params.image ?? (await releases.current(params.app))?.image;
  if (!image) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `app "${params.app}" has no image yet: build it first, or give an image`, { app: params.app });
  if (!DIGEST_REFERENCE.test(image)) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `image "${image}" must be referenced by digest (repo@sha256:...)`, { image });
  return image;
}

/**
 * Records release N (pending) with its manifests rendered now, so what gets applied, and
 * later re-applied by a rollback, is exactly what was recorded. Without an image it reuses
 * the current release's (a config-only change); without config, the app's. The deploy worker
 * calls this for a build; everything else goes through makeRelease.
 */
export async function recordRelease(releases: ReleaseStore, spec: ReleaseSpec): Promise<Release> {
  const image = await deployableImage(releases, { app: spec.app.name, image: spec.image });
  const number = spec.number ?? (await releases.nextNumber(spec.app.name));
  return releases.save(await draftRelease({ releases, spec, image, number }), spec.saveApp ? { app: spec.app } : {});
}

/**
 * Release `number` of `spec` running `image`, exactly as recordRelease records it, saving and
 * reserving nothing: a dry run (dry-run.ts) shows this, so what it prints is what a real release renders.
 */
export async function draftRelease(params: { releases: ReleaseStore; spec: ReleaseSpec; image: string; number: number }): Promise<Release> {
  const { releases, spec, image, number } = params;
  const { app, trigger } = spec;
  const config = spec.config ?? app.deploy;
  const port = spec.port ?? app.port;
  // A config change or a redeploy runs the same image: its release phase runs again, as on Heroku.
  const current = spec.releaseCommand === undefined || spec.commit === undefined ? await releases.current(app.name) : undefined;
  const same = current?.image === image ? current : undefined;
  const releaseCommand = spec.releaseCommand ?? same?.releaseCommand;
  const commit = spec.commit ?? same?.commit;
  const { choice } = choosePreHook({ configured: config.hooks?.pre, ...(releaseCommand ? { releaseCommand } : {}) });
  return {
    app: app.name,
    number,
    image,
    ...(commit ? { commit } : {}),
    config,
    port,
    configHash: configHash({ port, config }),
    manifests: renderManifests({ app: app.name, release: number, image, port, config, ...(spec.restartedAt ? { restartedAt: spec.restartedAt } : {}), ...(commit ? { commit } : {}) }),
    status: 'pending',
    trigger,
    ...(spec.restartedAt ? { restartedAt: spec.restartedAt } : {}),
    ...(releaseCommand ? { releaseCommand } : {}),
    ...(choice ? { preHook: choice } : {}),
    createdAt: new Date().toISOString(),
  };
}

/**
 * The one way a release happens outside the deploy worker: record it, then queue its rollout.
 * Config changes, image deploys, rollbacks and restarts all come through here. A process that
 * dies between the two leaves a pending release on the unsettled index, and the release
 * reconciler queues its rollout (queue/release-sweeper.ts).
 */
export async function makeRelease(deps: ReleaseDeps, spec: ReleaseSpec): Promise<Release> {
  const release = await recordRelease(deps.releases, spec);
  crashPoint('release-recorded');
  await enqueueDeploy(deps.deployQueue, release);
  return release;
}
