import type { FastifyInstance } from 'fastify';
import { createRelease } from '../../releases/make-release.js';
import { SlipwayError } from '../../errors.js';
import { enqueueDeploy } from '../../queue/deploy-queue.js';
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
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const current = await deps.releases.current(target.name);
      if (!current) throw new SlipwayError('RELEASE_NOT_DEPLOYABLE', `app "${target.name}" has no current release to restart`, { app: target.name });
      const release = await createRelease({
        releases: deps.releases,
        app: target,
        image: current.image,
        config: { ...current.config, replicas: target.deploy.replicas },
        port: current.port,
        trigger: { kind: 'restart' },
        restartedAt: new Date().toISOString(),
      });
      await enqueueDeploy(deps.deployQueue, release);
      return reply.code(202).send(release);
    },
  );
}
