import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { createApp, newWebhookSecret, webhookUrl } from '../../apps/create-app.js';
import { deleteApp } from '../../apps/delete-app.js';
import { dryRunNewApp } from '../../apps/dry-run-app.js';
import { startBuild } from '../../builds/build-requests.js';
import { COMMIT_ID_PATTERN } from '../../git/commit-id.js';
import { newAppSchema } from '../../store/schemas/app.js';
import { repoCredentialSummarySchema } from '../../store/schemas/repo-credential.js';
import { dryRunQuerySchema, dryRunSchema } from '../../store/schemas/dry-run.js';
import { closed, orNull, stringEnum } from '../../store/schemas/type-helpers.js';
import type { ApiDeps } from '../deps.js';
import { appNameParams, appRef, buildRef } from '../schemas.js';

/** Where to point the repo's webhook; the secret is shown on create and on rotation, never again. */
const webhook = Type.Object({ url: Type.String(), secret: Type.String(), contentType: Type.String() }, closed);

export default async function appRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/apps',
    { schema: { body: newAppSchema, querystring: dryRunQuerySchema, response: { 200: dryRunSchema, 201: Type.Object({ app: appRef, webhook, repoCredential: Type.Optional(repoCredentialSummarySchema) }, closed) } } },
    async (request, reply) => {
      // A dry run stores, builds and applies nothing: the first release's manifests and their diff.
      if (request.query.dryRun) return reply.code(200).send(await dryRunNewApp(deps, request.body));
      const { app: record, webhookSecret, repoCredential } = await createApp({ apps: deps.apps, config: deps.config, input: request.body, repoCredentials: deps.repoCredentials });
      return reply.code(201).send({
        app: record,
        ...(repoCredential ? { repoCredential } : {}),
        webhook: { url: webhookUrl(deps.config, record.name), secret: webhookSecret, contentType: 'application/json' },
      });
    },
  );

  app.get('/apps', { schema: { response: { 200: Type.Object({ apps: Type.Array(appRef) }, closed) } } }, async () => ({
    apps: await deps.apps.list(),
  }));

  app.get('/apps/:app', { schema: { params: appNameParams, response: { 200: appRef } } }, async (request) => deps.apps.get(request.params.app));

  app.get(
    '/apps/:app/builds',
    { schema: { params: appNameParams, response: { 200: Type.Object({ builds: Type.Array(buildRef) }, closed) } } },
    async (request) => {
      await deps.apps.get(request.params.app);
      return { builds: await deps.builds.listForApp(request.params.app) };
    },
  );

  /** Builds the tracked branch's head (or a given commit) now, as `oc start-build` does. */
  app.post(
    '/apps/:app/builds',
    {
      schema: {
        params: appNameParams,
        body: orNull(Type.Object({ sha: Type.Optional(Type.String({ pattern: COMMIT_ID_PATTERN })) }, closed)),
        response: { 202: buildRef },
      },
    },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const build = await startBuild(deps, { app: target, sha: request.body?.sha, trigger: { kind: 'api' } });
      return reply.code(202).send(build);
    },
  );

  /** Deletes the app, its workloads, Services, Ingresses and records; PVCs only with `?volumes=delete`. */
  app.delete(
    '/apps/:app',
    {
      schema: {
        params: appNameParams,
        querystring: Type.Object({ volumes: Type.Optional(stringEnum(['keep', 'delete'])) }, closed),
        response: { 200: Type.Object({ deleted: Type.Array(Type.String()), kept: Type.Array(Type.String()) }, closed) },
      },
    },
    async (request) => deleteApp(deps, { name: request.params.app, deleteVolumes: request.query.volumes === 'delete' }),
  );

  /** Rotates the webhook secret: the new one is shown here, once; the old one fails from now on. */
  app.post(
    '/apps/:app/webhook-secret',
    { schema: { params: appNameParams, response: { 200: Type.Object({ webhook }, closed) } } },
    async (request) => {
      const secret = newWebhookSecret();
      await deps.apps.setWebhookSecret(request.params.app, secret);
      return { webhook: { url: webhookUrl(deps.config, request.params.app), secret, contentType: 'application/json' } };
    },
  );
}
