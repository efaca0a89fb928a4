import type { FastifyInstance } from 'fastify';
import { restartApp } from '../../releases/restart-app.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';


/**
 * Replaces every pod of the running release, as `kubectl rollout restart` does (a timestamp
 * annotation on the pod template). It is a release of its own (trigger `restart`, the current
 * release's image and config, the app's scale): so the rollout is gated and rolled back like any
 * other, and the history says who restarted what and when. Hooks do not run: nothing changed.
 */
export default async function restartRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post<{ Params: { app: string } }>(
    '/apps/:app/restart',
    { schema: { params: appParams, response: { 202: { $ref: 'Release#' } } } },
    async (request, reply) => reply.code(202).send(await restartApp(deps, { app: request.params.app })),
  );
}
