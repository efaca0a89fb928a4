import type { FastifyInstance } from 'fastify';
import { scaleApp, scaleHistory } from '../../apps/scale-app.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const event = { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' }, at: { type: 'string' } } };

/** Scale: applied at once, recorded, no release (see apps/scale-app.ts). */
export default async function scaleRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Params: { app: string } }>(
    '/apps/:app/scale',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { replicas: { type: 'integer' }, events: { type: 'array', items: event } } } } } },
    async (request) => scaleHistory(deps, request.params.app),
  );

  app.post<{ Params: { app: string }; Body: { replicas: number } }>(
    '/apps/:app/scale',
    {
      schema: {
        params: appParams,
        body: { type: 'object', required: ['replicas'], additionalProperties: false, properties: { replicas: { type: 'integer', minimum: 0, maximum: 1000 } } },
        response: { 200: { type: 'object', properties: { replicas: { type: 'integer' }, previous: { type: 'integer' }, applied: { type: 'boolean' } } } },
      },
    },
    async (request) => scaleApp(deps, { app: request.params.app, replicas: request.body.replicas }),
  );
}
