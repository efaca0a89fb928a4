import type { FastifyInstance } from 'fastify';
import { createApp, newWebhookSecret, webhookUrl, type AppInput } from '../../apps/create-app.js';
import { deleteApp } from '../../apps/delete-app.js';
import { startBuild } from '../../builds/build-requests.js';
import { deployConfigSchema } from '../../store/deploy-config.js';
import type { ApiDeps } from '../deps.js';
import { APP_NAME, appNameParams, buildSettingsProperties } from '../schemas.js';

type CreateAppBody = Omit<AppInput, 'webhookSecret'>;

const BRANCH = '^(?!-)(?!.*\\.\\.)[A-Za-z0-9._/-]+$';

const createAppSchema = {
  body: {
    type: 'object',
    required: ['name', 'repo'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: APP_NAME },
      repo: { type: 'string', minLength: 1, maxLength: 2048 },
      branch: { type: 'string', pattern: BRANCH, maxLength: 255 },
      branches: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^(?!-)(?!.*\\.\\.)[A-Za-z0-9._/*-]+$', maxLength: 255 } },
      ...buildSettingsProperties,
      deploy: deployConfigSchema,
    },
  },
  response: {
    201: {
      type: 'object',
      properties: {
        app: { $ref: 'App#' },
        webhook: { type: 'object', properties: { url: { type: 'string' }, secret: { type: 'string' }, contentType: { type: 'string' } } },
      },
    },
  },
};


export default async function appRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post<{ Body: CreateAppBody }>('/apps', { schema: createAppSchema }, async (request, reply) => {
    const { app: record, webhookSecret } = await createApp({ apps: deps.apps, config: deps.config, input: request.body });
    return reply.code(201).send({
      app: record,
      webhook: { url: webhookUrl(deps.config, record.name), secret: webhookSecret, contentType: 'application/json' },
    });
  });

  app.get('/apps', { schema: { response: { 200: { type: 'object', properties: { apps: { type: 'array', items: { $ref: 'App#' } } } } } } }, async () => ({
    apps: await deps.apps.list(),
  }));

  app.get<{ Params: { app: string } }>('/apps/:app', { schema: { params: appNameParams, response: { 200: { $ref: 'App#' } } } }, async (request) =>
    deps.apps.get(request.params.app),
  );

  app.get<{ Params: { app: string } }>(
    '/apps/:app/builds',
    { schema: { params: appNameParams, response: { 200: { type: 'object', properties: { builds: { type: 'array', items: { $ref: 'Build#' } } } } } } },
    async (request) => {
      await deps.apps.get(request.params.app);
      return { builds: await deps.builds.listForApp(request.params.app) };
    },
  );

  /** Builds the tracked branch's head (or a given commit) now, as `oc start-build` does. */
  app.post<{ Params: { app: string }; Body: { sha?: string } | undefined }>(
    '/apps/:app/builds',
    {
      schema: {
        params: appNameParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { sha: { type: 'string', pattern: '^[0-9a-f]{40}$' } } },
        response: { 202: { $ref: 'Build#' } },
      },
    },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const build = await startBuild(deps, { app: target, sha: request.body?.sha, trigger: { kind: 'api' } });
      return reply.code(202).send(build);
    },
  );

  /** Deletes the app, its workloads, Services, Ingresses and records; PVCs only with `?volumes=delete`. */
  app.delete<{ Params: { app: string }; Querystring: { volumes?: 'keep' | 'delete' } }>(
    '/apps/:app',
    { schema: { params: appNameParams, querystring: { type: 'object', properties: { volumes: { type: 'string', enum: ['keep', 'delete'] } } } } },
    async (request) =>
      deleteApp(deps, { name: request.params.app, deleteVolumes: request.query.volumes === 'delete' }),
  );

  /** Rotates the webhook secret: the new one is shown here, once; the old one fails from now on. */
  app.post<{ Params: { app: string } }>('/apps/:app/webhook-secret', { schema: { params: appNameParams } }, async (request) => {
    const secret = newWebhookSecret();
    await deps.apps.setWebhookSecret(request.params.app, secret);
    return { webhook: { url: webhookUrl(deps.config, request.params.app), secret, contentType: 'application/json' } };
  });
}
