import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readiness } from '../../services/readiness.js';
import type { ApiDeps } from '../deps.js';

// READINESS_CHECKS, spelled out for the schema (the compiler holds the two together).
const checkName = Type.Union([Type.Literal('redis'), Type.Literal('build-worker'), Type.Literal('deploy-worker')]);
const readyAnswer = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
    checks: Type.Array(Type.Object({ name: checkName, ok: Type.Boolean(), error: Type.Optional(Type.String()) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

/**
 * Liveness says the process serves. Readiness says the platform works: Redis answers and a
 * build worker and a deploy worker beat recently (the API itself never talks to Docker).
 * A pod's probe that should not depend on the workers leaves them out with `?exclude=`.
 */
export default async function healthRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/healthz', { schema: { response: { 200: Type.Object({ status: Type.String() }, { additionalProperties: false }) } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      schema: {
        querystring: Type.Object(
          { exclude: Type.Optional(Type.Array(checkName, { description: 'Checks to leave out (repeat the parameter for several).' })) },
          { additionalProperties: false },
        ),
        response: { 200: readyAnswer, 503: readyAnswer },
      },
    },
    async (request, reply) => {
      const checks = await readiness(deps, { exclude: request.query.exclude });
      const ready = checks.every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
}
