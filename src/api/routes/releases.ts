import type { FastifyInstance } from 'fastify';
import { createRelease } from '../../releases/make-release.js';
import { deployConfigSchema, mergeDeployConfig } from '../../apps/deploy-config.js';
import { SlipwayError } from '../../errors.js';
import { enqueueDeploy } from '../../queue/deploy-queue.js';
import type { DeployConfig, Release } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const releaseParams = { type: 'object', properties: { app: { type: 'string', maxLength: 63 }, number: { type: 'integer', minimum: 1 } } };

/** Releases: history, deploying an image or build, config changes, and rollback. */
export default async function releaseRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const start = async (release: Release) => {
    await enqueueDeploy(deps.deployQueue, release);
    return release;
  };

  app.get<{ Params: { app: string } }>(
    '/apps/:app/releases',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { current: { type: ['integer', 'null'] }, releases: { type: 'array', items: { $ref: 'Release#' } } } } } } },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const current = await deps.releases.current(target.name);
      return { current: current?.number ?? null, releases: await deps.releases.list(target.name) };
    },
  );

  app.get<{ Params: { app: string; number: number } }>('/apps/:app/releases/:number', { schema: { params: releaseParams, response: { 200: { $ref: 'Release#' } } } }, async (request) =>
    deps.releases.get(request.params.app, request.params.number),
  );

  /**
   * Deploys an image by digest, a succeeded build, or (neither) the current image again; a
   * `deploy` change is saved on the app and goes out in the same release.
   */
  app.post<{ Params: { app: string }; Body: { image?: string; buildId?: string; deploy?: Partial<DeployConfig> } | undefined }>(
    '/apps/:app/releases',
    {
      schema: {
        params: appParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { image: { type: 'string', maxLength: 512 }, buildId: { type: 'string', maxLength: 80 }, deploy: deployConfigSchema },
        },
        response: { 202: { $ref: 'Release#' } },
      },
    },
    async (request, reply) => {
      let target = await deps.apps.get(request.params.app);
      let image = request.body?.image;
      if (request.body?.buildId) {
        const build = await deps.builds.get(request.body.buildId);
        if (build.app !== target.name || build.state !== 'succeeded' || !build.image) {
          throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `build ${build.id} is not a succeeded build of "${target.name}"`, { build: build.id, state: build.state });
        }
        image = `${build.image.repository}@${build.image.digest}`;
      }
      if (request.body?.deploy) target = await deps.apps.replace({ ...target, deploy: mergeDeployConfig(target.deploy, request.body.deploy) });
      const release = await createRelease({ releases: deps.releases, app: target, image, trigger: { kind: 'api', buildId: request.body?.buildId } });
      return reply.code(202).send(await start(release));
    },
  );

  /** Changes how the app runs; with a current release, the change is rolled out as a new release. */
  app.patch<{ Params: { app: string }; Body: { deploy: Partial<DeployConfig> } }>(
    '/apps/:app',
    {
      schema: {
        params: appParams,
        body: { type: 'object', required: ['deploy'], additionalProperties: false, properties: { deploy: deployConfigSchema } },
        response: { 200: { type: 'object', properties: { app: { $ref: 'App#' }, release: { $ref: 'Release#' } } } },
      },
    },
    async (request) => {
      const current = await deps.apps.get(request.params.app);
      const updated = await deps.apps.replace({ ...current, deploy: mergeDeployConfig(current.deploy, request.body.deploy) });
      if (!(await deps.releases.current(updated.name))) return { app: updated };
      const release = await createRelease({ releases: deps.releases, app: updated, trigger: { kind: 'config' } });
      return { app: updated, release: await start(release) };
    },
  );

  /**
   * Rolls back to release `to` (default: the newest release before the current one that
   * was ever current) as a new release carrying that release's image and config.
   */
  app.post<{ Params: { app: string }; Body: { to?: number } | undefined }>(
    '/apps/:app/rollback',
    {
      schema: {
        params: appParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { to: { type: 'integer', minimum: 1 } } },
        response: { 202: { $ref: 'Release#' } },
      },
    },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const current = await deps.releases.current(target.name);
      const history = await deps.releases.list(target.name);
      const wanted = request.body?.to
        ? await deps.releases.get(target.name, request.body.to)
        : history.find((r) => r.number !== current?.number && ['superseded', 'rolled-back'].includes(r.status) && r.number < (current?.number ?? Infinity));
      if (!wanted) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `app "${target.name}" has no earlier good release to roll back to`, { app: target.name });
      if (wanted.number === current?.number) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `release ${wanted.number} is already current`, { release: wanted.number });
      // As on Heroku, a rollback restores the config too (env, secrets, probes, volumes, hooks):
      // the app's config becomes the target's. Scale is the app's, not the release's: it stays.
      const config = { ...wanted.config, replicas: target.deploy.replicas };
      await deps.apps.replace({ ...target, deploy: config });
      const release = await createRelease({
        releases: deps.releases,
        app: target,
        image: wanted.image,
        config,
        port: wanted.port,
        trigger: { kind: 'rollback', rollbackOf: wanted.number },
      });
      return reply.code(202).send(await start(release));
    },
  );
}
