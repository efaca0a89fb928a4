import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ErrorCode } from '../errors.js';
import { requireBearer } from './auth.js';
import { Metrics } from '../metrics/metrics.js';
import type { ApiDeps, ApiInput } from './deps.js';
import { installErrorHandler, statusOf } from './error-handler.js';
import { limitRequests, tokenKey, webhookKey } from './rate-limits.js';
import appFileRoutes from './routes/app-files.js';
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
import repoCredentialRoutes from './routes/repo-credential.js';
import restartRoutes from './routes/restart.js';
import rolloutCommandRoutes from './routes/rollout-commands.js';
import scaleRoutes from './routes/scale.js';
import autoscaleRoutes from './routes/autoscale.js';
import templateRoutes from './routes/templates.js';
import volumeRoutes from './routes/volumes.js';
import ingressRoutes from './routes/ingress-routes.js';
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
  const { requestTimeoutMs, headersTimeoutMs, connectionTimeoutMs } = deps.config.http;
  const app = Fastify({
    ...options,
    logger,
    // Unknown fields are an error the caller should see, not something silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // A client that trickles its request holds a socket at most this long, then gets 408.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    // Node checks those deadlines on a timer (30 s by default): check often enough to keep them.
    http: { headersTimeout: headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeoutMs / 2)) },
    clientErrorHandler: answerClientError,
  });
  for (const schema of sharedSchemas) app.addSchema(schema);
  installErrorHandler(app);
  // A live log stream may be quiet for minutes while a build runs: the idle-socket timeout is not for it.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' && String(request.headers.accept ?? '').includes('text/event-stream')) request.raw.socket?.setTimeout?.(0);
  });
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
  await app.register(async (hooks) => {
    await limitRequests(hooks, { deps, name: 'webhooks', perMinute: deps.config.rateLimits.webhooksPerMinute, key: webhookKey });
    await hooks.register(hookRoutes, deps);
  });
  await app.register(dashboardRoutes, {});
  await app.register(async (rest) => {
    // The REST API takes JSON only: without this, fastify's built-in text/plain parser let a
    // text body through to schema validation (400) instead of 415 UNSUPPORTED_MEDIA_TYPE.
    rest.removeContentTypeParser('text/plain');
    rest.addHook('onRequest', requireBearer(deps.config.apiToken));
    await limitRequests(rest, { deps, name: 'api', perMinute: deps.config.rateLimits.apiPerMinute, key: tokenKey });
    await rest.register(appRoutes, deps);
    await rest.register(buildRoutes, deps);
    await rest.register(buildConfigRoutes, deps);
    await rest.register(repoCredentialRoutes, deps);
    await rest.register(releaseRoutes, deps);
    await rest.register(templateRoutes, deps);
    await rest.register(configVarRoutes, deps);
    await rest.register(appFileRoutes, deps);
    await rest.register(scaleRoutes, deps);
    await rest.register(autoscaleRoutes, deps);
    await rest.register(restartRoutes, deps);
    await rest.register(rolloutCommandRoutes, deps);
    await rest.register(volumeRoutes, deps);
    await rest.register(ingressRoutes, deps);
    await rest.register(appSettingRoutes, deps);
    await rest.register(appStatusRoutes, deps);
    await rest.register(databaseRoutes, deps);
  });
  return app;
}

/**
 * Errors on the socket before there is a request to reply to (a body or headers too slow, headers
 * too large, bytes that are not HTTP): answered in the API's error shape, then the socket is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset or destroyed socket has no one left to answer (fastify's default handler does the same).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const code: ErrorCode = timeout ? 'REQUEST_TIMEOUT' : 'REQUEST_INVALID';
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : statusOf(code);
  const message = timeout ? 'the request was not received in time' : status === 431 ? 'the request headers are too large' : 'the request is not valid HTTP';
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
