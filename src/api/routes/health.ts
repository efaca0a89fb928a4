import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** Liveness says the process serves; readiness also checks Redis and the Docker engine. */
export default async function healthRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = await Promise.all([
      probe('redis', async () => void (await deps.redis.ping())),
      probe('docker', async () => void (await deps.docker.ping())),
    ]);
    const ready = checks.every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}

async function probe(name: string, check: () => Promise<void>): Promise<{ name: string; ok: boolean; error?: string }> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2s')), 2000).unref());
  try {
    await Promise.race([check(), timeout]);
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
