import type { FastifyInstance } from 'fastify';
import { changeApp } from '../../apps/change-app.js';
import { releaseImage } from '../../releases/release-image.js';
import { rollBack } from '../../releases/roll-back.js';
import { deployConfigSchema, mergeDeployConfig } from '../../store/deploy-config.js';
import type { DeployConfig } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const releaseParams = { type: 'object', properties: { app: { type: 'string', maxLength: 63 }, number: { type: 'integer', minimum: 1 } } };

/** Releases: history, deploying an image or build, config changes, and rollback. */
export default async function releaseRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
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
    async (request, reply) => reply.code(202).send(await releaseImage(deps, { app: request.params.app, ...request.body })),
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
      return changeApp(deps, { app: current, deploy: mergeDeployConfig(current.deploy, request.body.deploy) });
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
    async (request, reply) => reply.code(202).send(await rollBack(deps, { app: request.params.app, to: request.body?.to })),
  );
}
