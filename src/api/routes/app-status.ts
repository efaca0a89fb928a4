import type { FastifyInstance } from 'fastify';
import { readAppStatus } from '../../apps/app-status.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const count = { type: 'integer' };
const statusSchema = {
  type: 'object',
  properties: {
    app: { type: 'string' },
    state: { type: 'string', enum: ['healthy', 'degraded', 'down', 'stopped', 'not-deployed'] },
    kind: { type: 'string' },
    namespace: { type: 'string' },
    desired: count,
    ready: count,
    updated: count,
    available: count,
    currentRelease: { type: ['integer', 'null'] },
    pods: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, phase: { type: 'string' }, ready: { type: 'boolean' }, restarts: count, release: { type: 'string' }, reason: { type: 'string' } },
      },
    },
  },
};

/** Live health of an app's workload (ready/desired replicas and its pods), read from the cluster. */
export default async function appStatusRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Params: { app: string } }>('/apps/:app/status', { schema: { params: appParams, response: { 200: statusSchema } } }, async (request) =>
    readAppStatus(deps, request.params.app),
  );
}
