import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { scaleApp, scaleHistory } from '../../apps/scale-app.js';
import { scaleEventSchema } from '../../store/schemas/app.js';
import type { ApiDeps } from '../deps.js';
import { answerOf, appParams } from '../schemas.js';
import { closed } from '../../store/schemas/type-helpers.js';

/** Scale: applied at once, recorded, no release (see apps/scale-app.ts). */
export default async function scaleRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/apps/:app/scale',
    { schema: { params: appParams, response: { 200: Type.Object({ replicas: Type.Integer(), events: Type.Array(answerOf(scaleEventSchema)) }, closed) } } },
    async (request) => scaleHistory(deps, request.params.app),
  );

  app.post(
    '/apps/:app/scale',
    {
      schema: {
        params: appParams,
        body: Type.Object({ replicas: Type.Integer({ minimum: 0, maximum: 1000 }) }, closed),
        response: { 200: Type.Object({ replicas: Type.Integer(), previous: Type.Integer(), applied: Type.Boolean() }, closed) },
      },
    },
    async (request) => scaleApp(deps, { app: request.params.app, replicas: request.body.replicas }),
  );
}
