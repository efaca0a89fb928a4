import type { FastifyInstance } from 'fastify';
import { scaleWorkload } from '../../releases/cluster/scale-workload.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const event = { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' }, at: { type: 'string' } } };

/**
 * Scale is the app's, not a release's (`heroku ps:scale`, `kubectl scale`): it applies at once,
 * makes no release, is recorded, and every later release and rollback keeps it.
 */
export default async function scaleRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Params: { app: string } }>(
    '/apps/:app/scale',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { replicas: { type: 'integer' }, events: { type: 'array', items: event } } } } } },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const events = await deps.redis.lrange(deps.keys.scaleEvents(target.name), 0, 99);
      return { replicas: target.deploy.replicas, events: events.map((e) => JSON.parse(e) as object) };
    },
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
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const { replicas } = request.body;
      const previous = target.deploy.replicas;
      await deps.apps.replace({ ...target, deploy: { ...target.deploy, replicas } });
      const key = deps.keys.scaleEvents(target.name);
      await deps.redis.multi().lpush(key, JSON.stringify({ from: previous, to: replicas, at: new Date().toISOString() })).ltrim(key, 0, 99).exec();
      const applied = await scaleWorkload({ kc: deps.kubeConfig(), app: target.name, config: target.deploy, replicas });
      return { replicas, previous, applied };
    },
  );
}
