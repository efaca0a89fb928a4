import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { addVolume, listVolumes, removeVolume } from '../../apps/volumes.js';
import { volumeInputSchema } from '../../store/schemas/deploy-config.js';
import { closed, stringEnum } from '../../store/schemas/type-helpers.js';
import { volumeViewSchema } from '../../store/schemas/views.js';
import type { ApiDeps } from '../deps.js';
import { answerOf, appParams, releaseOrNull } from '../schemas.js';

const volumeParams = Type.Object({ ...appParams.properties, name: Type.String({ maxLength: 63 }) }, closed);
const volumeView = answerOf(volumeViewSchema);

/**
 * App volumes: a PersistentVolumeClaim `<app>-<name>` created at once (so a claim that cannot be
 * made fails here, not in a rollout) and mounted from the next release on, which a running app
 * gets now. Claims outlive the app unless its deletion asks otherwise.
 */
export default async function volumeRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/apps/:app/volumes',
    { schema: { params: appParams, response: { 200: Type.Object({ volumes: Type.Array(volumeView) }, closed) } } },
    async (request) => ({ volumes: await listVolumes(deps, request.params.app) }),
  );

  app.post(
    '/apps/:app/volumes',
    { schema: { params: appParams, body: volumeInputSchema, response: { 201: Type.Object({ volume: volumeView, release: releaseOrNull }, closed) } } },
    async (request, reply) => reply.code(201).send(await addVolume(deps, { app: request.params.app, volume: request.body })),
  );

  app.delete(
    '/apps/:app/volumes/:name',
    {
      schema: {
        params: volumeParams,
        querystring: Type.Object({ claim: Type.Optional(stringEnum(['keep', 'delete'])) }, closed),
        response: {
          200: Type.Object({ removed: Type.String(), claim: Type.String(), claimDeleted: Type.Boolean(), release: releaseOrNull }, closed),
        },
      },
    },
    async (request) => removeVolume(deps, { app: request.params.app, name: request.params.name, deleteClaim: request.query.claim === 'delete' }),
  );
}
