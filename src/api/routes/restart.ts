import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { restartApp } from '../../releases/restart-app.js';
import type { ApiDeps } from '../deps.js';
import { appParams, releaseRef } from '../schemas.js';

/**
 * Replaces every pod of the running release, as `kubectl rollout restart` does (a timestamp
 * annotation on the pod template). It is a release of its own (trigger `restart`, the current
 * release's image and config, the app's scale): so the rollout is gated and rolled back like any
 * other, and the history says who restarted what and when. Hooks do not run: nothing changed.
 */
export default async function restartRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/apps/:app/restart', { schema: { params: appParams, response: { 202: releaseRef } } }, async (request, reply) =>
    reply.code(202).send(await restartApp(deps, { app: request.params.app })),
  );
}
