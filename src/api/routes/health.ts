import type { FastifyInstance } from 'fastify';
import { readiness } from '../../services/readiness.js';
import type { ApiDeps } from '../deps.js';

/** Liveness says the process serves; readiness also checks Redis and the Docker engine. */
export default async function healthRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = await readiness(deps);
    const ready = checks.every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
