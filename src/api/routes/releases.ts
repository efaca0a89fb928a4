import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { changeApp } from '../../apps/change-app.js';
import { refuseScaleWhileAutoscaling } from '../../apps/scale-app.js';
import { dryRunChange } from '../../apps/dry-run-app.js';
import { dryRunRelease } from '../../releases/dry-run.js';
import { imageReleaseSpec, releaseImage } from '../../releases/release-image.js';
import { rollBack } from '../../releases/roll-back.js';
import { mergeDeployConfig } from '../../store/deploy-config.js';
import { deployConfigPatchSchema } from '../../store/schemas/deploy-config.js';
import { dryRunQuerySchema, dryRunSchema } from '../../store/schemas/dry-run.js';
import { closed, orNull } from '../../store/schemas/type-helpers.js';
import type { ApiDeps } from '../deps.js';
import { appParams, appRef, releaseRef } from '../schemas.js';

const releaseParams = Type.Object({ ...appParams.properties, number: Type.Integer({ minimum: 1 }) }, closed);

/** Releases: history, deploying an image or build, config changes, and rollback. */
export default async function releaseRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/apps/:app/releases',
    { schema: { params: appParams, response: { 200: Type.Object({ current: orNull(Type.Integer()), releases: Type.Array(releaseRef) }, closed) } } },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const current = await deps.releases.current(target.name);
      return { current: current?.number ?? null, releases: await deps.releases.list(target.name) };
    },
  );

  app.get('/apps/:app/releases/:number', { schema: { params: releaseParams, response: { 200: releaseRef } } }, async (request) =>
    deps.releases.get(request.params.app, request.params.number),
  );

  /**
   * Deploys an image by digest, a succeeded build, or (neither) the current image again; a
   * `deploy` change is saved on the app and goes out in the same release.
   */
  app.post(
    '/apps/:app/releases',
    {
      schema: {
        params: appParams,
        body: orNull(
          Type.Object(
            { image: Type.Optional(Type.String({ maxLength: 512 })), buildId: Type.Optional(Type.String({ maxLength: 80 })), deploy: Type.Optional(deployConfigPatchSchema) },
            closed,
          ),
        ),
        querystring: dryRunQuerySchema,
        response: { 200: dryRunSchema, 202: releaseRef },
      },
    },
    async (request, reply) => {
      const params = { app: request.params.app, ...request.body };
      if (request.query.dryRun) return reply.code(200).send(await dryRunRelease(deps, { spec: await imageReleaseSpec(deps, params) }));
      return reply.code(202).send(await releaseImage(deps, params));
    },
  );

  /** Changes how the app runs; with a current release, the change is rolled out as a new release. */
  app.patch(
    '/apps/:app',
    {
      schema: {
        params: appParams,
        body: Type.Object({ deploy: deployConfigPatchSchema }, closed),
        querystring: dryRunQuerySchema,
        response: { 200: Type.Union([Type.Object({ app: appRef, release: Type.Optional(releaseRef) }, closed), dryRunSchema]) },
      },
    },
    async (request) => {
      const current = await deps.apps.get(request.params.app);
      const deploy = mergeDeployConfig(current.deploy, request.body.deploy, deps.config.namespaces);
      // While an HPA sets the replicas, a stored count would do nothing: refused as `scale` is.
      if (deploy.autoscale && deploy.replicas !== current.deploy.replicas) refuseScaleWhileAutoscaling(current);
      if (request.query.dryRun) return dryRunChange(deps, { app: current, deploy });
      return changeApp(deps, { app: current, deploy });
    },
  );

  /**
   * Rolls back to release `to` (default: the newest release before the current one that
   * was ever current) as a new release carrying that release's image and config.
   */
  app.post(
    '/apps/:app/rollback',
    {
      schema: {
        params: appParams,
        body: orNull(Type.Object({ to: Type.Optional(Type.Integer({ minimum: 1 })) }, closed)),
        response: { 202: releaseRef },
      },
    },
    async (request, reply) => reply.code(202).send(await rollBack(deps, { app: request.params.app, to: request.body?.to })),
  );
}
