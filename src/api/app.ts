import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { requireBearer } from './auth.js';
import { Metrics } from '../metrics/metrics.js';
import type { ApiDeps, ApiInput } from './deps.js';
import { installErrorHandler } from './error-handler.js';
import appSettingRoutes from './routes/app-settings.js';
import appStatusRoutes from './routes/app-status.js';
import appRoutes from './routes/apps.js';
import buildConfigRoutes from './routes/build-config.js';
import buildRoutes from './routes/builds.js';
import configVarRoutes from './routes/config-vars.js';
import dashboardRoutes from './routes/dashboard.js';
import databaseRoutes from './routes/databases.js';
import healthRoutes from './routes/health.js';
import metricsRoutes from './routes/metrics.js';
import hookRoutes from './routes/hooks.js';
import releaseRoutes from './routes/releases.js';
import restartRoutes from './routes/restart.js';
import scaleRoutes from './routes/scale.js';
import templateRoutes from './routes/templates.js';
import volumeRoutes from './routes/volumes.js';
import { sharedSchemas } from './schemas.js';

/** `/hooks/generic/<app>/<secret>` → `/hooks/generic/<app>/****`. */
export function redactHookSecret(url: string): string {
  return url.replace(/^(\/hooks\/generic\/[^/?]+\/)[^/?]+/, '$1****');
}

/**
 * The configured API, not listening: src/main.ts listens, tests call `inject()`.
 * Health, webhooks and the dashboard's static files are open (webhooks carry their own
 * signatures; the dashboard holds no data and calls the API with the token); the REST API needs the token.
 */
export async function buildApp(input: ApiInput, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const deps: ApiDeps = { ...input, metrics: input.metrics ?? new Metrics({ builds: input.buildQueue, deploys: input.deployQueue }) };
  // Whatever logger a caller passes, the secret-redacting request serializer stays.
  const logger =
    options.logger === false
      ? false
      : {
          level: deps.config.logLevel,
          ...(typeof options.logger === 'object' ? options.logger : {}),
          // A generic webhook's secret travels in its path: never log it.
          serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: redactHookSecret(req.url) }) },
        };
  const app = Fastify({
    ...options,
    logger,
    // Unknown fields are an error the caller should see, not something silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  });
  for (const schema of sharedSchemas) app.addSchema(schema);
  installErrorHandler(app);
  // The OpenAPI document is generated from the route schemas; registered first so it sees every route.
  await app.register(swagger, {
    openapi: {
      info: { title: 'Slipway API', version: '0.1.0', description: 'git push to a running, health-checked release on Kubernetes' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas keep their $id as their component name (App, Build, Release, ...).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, deps);
  await app.register(metricsRoutes, deps);
  await app.register(hookRoutes, deps);
  await app.register(dashboardRoutes, {});
  await app.register(async (rest) => {
    rest.addHook('onRequest', requireBearer(deps.config.apiToken));
    await rest.register(appRoutes, deps);
    await rest.register(buildRoutes, deps);
    await rest.register(buildConfigRoutes, deps);
    await rest.register(releaseRoutes, deps);
    await rest.register(templateRoutes, deps);
    await rest.register(configVarRoutes, deps);
    await rest.register(scaleRoutes, deps);
    await rest.register(restartRoutes, deps);
    await rest.register(volumeRoutes, deps);
    await rest.register(appSettingRoutes, deps);
    await rest.register(appStatusRoutes, deps);
    await rest.register(databaseRoutes, deps);
  });
  return app;
}
