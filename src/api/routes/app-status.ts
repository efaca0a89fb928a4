import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { readAppStatus } from '../../apps/app-status.js';
import { appStatusSchema } from '../../store/schemas/views.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

/** Live health of an app's workload (ready/desired replicas and its pods), read from the cluster. */
export default async function appStatusRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/apps/:app/status', { schema: { params: appParams, response: { 200: appStatusSchema } } }, async (request) => readAppStatus(deps, request.params.app));
}
