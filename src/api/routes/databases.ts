import type { FastifyInstance } from 'fastify';
import { listDatabases } from '../../templates/list-databases.js';
import type { ApiDeps } from '../deps.js';

const named = (extra: Record<string, unknown>) => ({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, ...extra } } });
const databaseSchema = {
  type: 'object',
  properties: {
    namespace: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    template: { type: 'string' },
    image: { type: 'string' },
    desired: { type: 'integer' },
    ready: { type: 'integer' },
    state: { type: 'string' },
    secrets: named({ keys: { type: 'array', items: { type: 'string' } } }),
    services: named({ ports: { type: 'array', items: { type: 'integer' } } }),
    volumes: named({ phase: { type: 'string' }, capacity: { type: 'string' } }),
    createdAt: { type: 'string' },
  },
};

/** What templates provisioned (databases and the like), found by the labels provisioning puts on them. */
export default async function databaseRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/databases', { schema: { response: { 200: { type: 'object', properties: { databases: { type: 'array', items: databaseSchema } } } } } }, async (request) => {
    const { namespaces, databases } = await listDatabases(deps);
    request.log.debug({ namespaces }, 'listed provisioned databases');
    return { databases };
  });
}
