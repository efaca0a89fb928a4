import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { autoscaleStatus, turnOffAutoscale } from '../../apps/autoscale.js';
import { autoscaleStatusSchema } from '../../store/schemas/autoscale-status.js';
import { autoscaleSchema } from '../../store/schemas/deploy-config.js';
import type { ApiDeps } from '../deps.js';
import { answerOf, appParams, releaseOrNull } from '../schemas.js';
import { closed } from '../../store/schemas/type-helpers.js';

/**
 * GET and PUT /apps/:app/autoscale are app-settings.ts's (like probes and shutdown); here: DELETE,
 * the same as PUT `{ autoscale: null }` (a release without the HPA, the app's scale again), and
 * the HPA's live status (apps/autoscale.ts).
 */
export default async function autoscaleRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.delete(
    '/apps/:app/autoscale',
    { schema: { params: appParams, response: { 200: Type.Object({ autoscale: Type.Null(), release: releaseOrNull }, closed) } } },
    async (request) => ({ autoscale: null, release: (await turnOffAutoscale(deps, request.params.app)).release ?? null }),
  );

  app.get(
    '/apps/:app/autoscale/status',
    {
      schema: {
        params: appParams,
        response: { 200: Type.Object({ autoscale: Type.Union([answerOf(autoscaleSchema), Type.Null()]), status: Type.Union([autoscaleStatusSchema, Type.Null()]) }, closed) },
      },
    },
    async (request) => autoscaleStatus(deps, request.params.app),
  );
}
