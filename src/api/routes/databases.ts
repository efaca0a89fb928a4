import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { provisionedDatabaseSchema } from '../../store/schemas/views.js';
import { listDatabases } from '../../templates/list-databases.js';
import type { ApiDeps } from '../deps.js';

/** What templates provisioned (databases and the like), found by the labels provisioning puts on them. */
export default async function databaseRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/databases',
    { schema: { response: { 200: Type.Object({ databases: Type.Array(provisionedDatabaseSchema) }, { additionalProperties: false }) } } },
    async (request) => {
      const { namespaces, databases } = await listDatabases(deps);
      request.log.debug({ namespaces }, 'listed provisioned databases');
      return { databases };
    },
  );
}
