import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/**
 * Prometheus metrics, open like /healthz: scrapers rarely carry tokens, and nothing here
 * names more than app-independent counts.
 */
export default async function metricsRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
}
