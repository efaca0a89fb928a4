import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readiness } from '../../services/readiness.js';
import type { ApiDeps } from '../deps.js';

/** Liveness says the process serves; readiness also checks Redis and the Docker engine. */
export default async function healthRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/healthz', { schema: { response: { 200: Type.Object({ status: Type.String() }, { additionalProperties: false }) } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = await readiness(deps);
    const ready = checks.every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
