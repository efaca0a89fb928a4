import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { addRoute, listRoutes, removeRoute, setIngressClass } from '../../apps/app-routes.js';
import { ingressClassNameSchema, routeInputSchema, routeSchema } from '../../store/schemas/deploy-config.js';
import { routeListSchema } from '../../store/schemas/route-views.js';
import { closed } from '../../store/schemas/type-helpers.js';
import type { ApiDeps } from '../deps.js';
import { appParams, releaseOrNull } from '../schemas.js';

const changed = Type.Object({ ...routeListSchema.properties, release: releaseOrNull }, closed);

/**
 * An app's Ingress routes: hosts and paths (`host` is served at `/`), TLS per host from a Secret
 * or a cert-manager issuer, and its IngressClass. Each change is a new release when the app runs,
 * so a rollback restores the routes too.
 */
export default async function ingressRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const installClass = deps.config.ingressClass ? { installClass: deps.config.ingressClass } : {};

  app.get(
    '/apps/:app/routes',
    { schema: { params: appParams, response: { 200: routeListSchema } } },
    async (request) => listRoutes({ app: await deps.apps.get(request.params.app), ...installClass }),
  );

  app.post(
    '/apps/:app/routes',
    { schema: { params: appParams, body: routeInputSchema, response: { 201: changed } } },
    async (request, reply) => {
      const { routes, release } = await addRoute(deps, { app: request.params.app, route: request.body });
      return reply.code(201).send({ ...routes, release });
    },
  );

  app.delete(
    '/apps/:app/routes',
    {
      schema: {
        params: appParams,
        querystring: Type.Object({ host: routeSchema.properties.host, path: routeSchema.properties.path }, closed),
        response: { 200: changed },
      },
    },
    async (request) => {
      const { routes, release } = await removeRoute(deps, { app: request.params.app, host: request.query.host, ...(request.query.path ? { path: request.query.path } : {}) });
      return { ...routes, release };
    },
  );

  app.put(
    '/apps/:app/ingress-class',
    {
      schema: {
        params: appParams,
        body: Type.Object({ ingressClassName: Type.Union([ingressClassNameSchema, Type.Null()]) }, closed),
        response: { 200: changed },
      },
    },
    async (request) => {
      const { routes, release } = await setIngressClass(deps, { app: request.params.app, ingressClassName: request.body.ingressClassName });
      return { ...routes, release };
    },
  );
}
