import type { FastifyInstance } from 'fastify';
import { addVolume, listVolumes, removeVolume } from '../../apps/volumes.js';
import { volumeSchema } from '../../store/lifecycle-schemas.js';
import type { VolumeSpec } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const volumeParams = { type: 'object', properties: { app: { type: 'string', maxLength: 63 }, name: { type: 'string', maxLength: 63 } } };
const volumeView = { type: 'object', additionalProperties: true };
const releaseOrNull = { anyOf: [{ $ref: 'Release#' }, { type: 'null' }] };

/**
 * App volumes: a PersistentVolumeClaim `<app>-<name>` created at once (so a claim that cannot be
 * made fails here, not in a rollout) and mounted from the next release on, which a running app
 * gets now. Claims outlive the app unless its deletion asks otherwise.
 */
export default async function volumeRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Params: { app: string } }>(
    '/apps/:app/volumes',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { volumes: { type: 'array', items: volumeView } } } } } },
    async (request) => ({ volumes: await listVolumes(deps, request.params.app) }),
  );

  app.post<{ Params: { app: string }; Body: VolumeSpec }>(
    '/apps/:app/volumes',
    { schema: { params: appParams, body: volumeSchema, response: { 201: { type: 'object', properties: { volume: volumeView, release: releaseOrNull } } } } },
    async (request, reply) => reply.code(201).send(await addVolume(deps, { app: request.params.app, volume: request.body })),
  );

  app.delete<{ Params: { app: string; name: string }; Querystring: { claim?: 'keep' | 'delete' } }>(
    '/apps/:app/volumes/:name',
    {
      schema: {
        params: volumeParams,
        querystring: { type: 'object', additionalProperties: false, properties: { claim: { type: 'string', enum: ['keep', 'delete'] } } },
        response: { 200: { type: 'object', properties: { removed: { type: 'string' }, claim: { type: 'string' }, claimDeleted: { type: 'boolean' }, release: releaseOrNull } } },
      },
    },
    async (request) => removeVolume(deps, { app: request.params.app, name: request.params.name, deleteClaim: request.query.claim === 'delete' }),
  );
}
