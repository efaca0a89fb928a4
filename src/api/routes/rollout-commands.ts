import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { commandRollout } from '../../releases/command-rollout.js';
import { closed, orNull } from '../../store/schemas/type-helpers.js';
import type { ApiDeps } from '../deps.js';
import { appParams, releaseRef } from '../schemas.js';

const promoteBody = orNull(
  Type.Object(
    { full: Type.Optional(Type.Boolean({ description: 'Canary: go straight to the last step (100%), skipping the steps between. Blue-green: the same as a plain promote.' })) },
    closed,
  ),
);

/**
 * `slipway promote` and `slipway abort`: a command for the app's blue-green or canary rollout in
 * progress (or a blue-green release in its scale-down window). The deploy job holding the
 * rollout acts on it within about a second; the answer (202) is the release it is for, as it
 * stood when the command was left. No rollout in progress: 409 ROLLOUT_NOT_IN_PROGRESS.
 */
export default async function rolloutCommandRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/apps/:app/promote',
    {
      schema: {
        description: 'Promotes the rollout in progress: a canary to its next step (or, with `full`, to 100%), a blue-green preview to the switch, or ends a blue-green scale-down window now.',
        params: appParams,
        body: promoteBody,
        response: { 202: releaseRef },
      },
    },
    async (request, reply) => reply.code(202).send(await commandRollout(deps, { app: request.params.app, command: request.body?.full ? 'promote-full' : 'promote' })),
  );

  app.post(
    '/apps/:app/abort',
    {
      schema: {
        description: "Aborts the rollout in progress: all traffic goes back to the release that served before it, and the release ends failed (reason Aborted).",
        params: appParams,
        body: orNull(Type.Object({}, closed)),
        response: { 202: releaseRef },
      },
    },
    async (request, reply) => reply.code(202).send(await commandRollout(deps, { app: request.params.app, command: 'abort' })),
  );
}
