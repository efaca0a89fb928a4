import type { FastifyInstance } from 'fastify';
import { insideRepo } from '../../apps/create-app.js';
import { knownBuilder } from '../../builds/builder-catalog.js';
import { NotFoundError } from '../../errors.js';
import type { App } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appNameParams, buildSettingsProperties } from '../schemas.js';

const SECRET_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/**
 * A field set to null goes back to its default (detection, no Dockerfile path, no test).
 * A type list, not anyOf: with anyOf, Ajv's type coercion turns null into "" first.
 */
const nullable = <S extends { type: string }>(schema: S) => ({ ...schema, type: [schema.type, 'null'] });
const { port: _port, ...settings } = buildSettingsProperties;

interface BuildConfigPatch {
  contextDir?: string;
  dockerfile?: string | null;
  builder?: string | null;
  /** Merged into the app's build args; a null value removes that arg. */
  buildArgs?: Record<string, string | null>;
  postCommit?: App['postCommit'] | null;
}

const secretsResponse = {
  type: 'object',
  properties: { secrets: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, sha256: { type: 'string' } } } } },
};

/**
 * How an app is built, as an OpenShift BuildConfig says it: context dir, Dockerfile path,
 * pinned builder, build args, post-build test; and its build secrets, which are write-only.
 */
export default async function buildConfigRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.patch<{ Params: { app: string }; Body: BuildConfigPatch }>(
    '/apps/:app/build-config',
    {
      schema: {
        params: appNameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            contextDir: settings.contextDir,
            dockerfile: nullable(settings.dockerfile),
            builder: nullable(settings.builder),
            buildArgs: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
            postCommit: nullable(settings.postCommit),
          },
        },
        response: { 200: { $ref: 'App#' } },
      },
    },
    async (request) => deps.apps.replace(applyPatch(await deps.apps.get(request.params.app), request.body)),
  );

  app.get<{ Params: { app: string } }>('/apps/:app/build-secrets', { schema: { params: appNameParams, response: { 200: secretsResponse } } }, async (request) => {
    await deps.apps.get(request.params.app);
    return { secrets: await deps.buildSecrets.list(request.params.app) };
  });

  /** Sets or replaces secrets; the response names them with a fingerprint, never a value. */
  app.put<{ Params: { app: string }; Body: { secrets: Record<string, string> } }>(
    '/apps/:app/build-secrets',
    {
      schema: {
        params: appNameParams,
        body: {
          type: 'object',
          required: ['secrets'],
          additionalProperties: false,
          properties: { secrets: { type: 'object', minProperties: 1, propertyNames: { pattern: SECRET_NAME }, additionalProperties: { type: 'string', maxLength: 65_536 } } },
        },
        response: { 200: secretsResponse },
      },
    },
    async (request) => {
      await deps.apps.get(request.params.app);
      await deps.buildSecrets.set(request.params.app, request.body.secrets);
      return { secrets: await deps.buildSecrets.list(request.params.app) };
    },
  );

  app.delete<{ Params: { app: string; name: string } }>(
    '/apps/:app/build-secrets/:name',
    { schema: { params: { ...appNameParams, properties: { ...appNameParams.properties, name: { type: 'string', pattern: SECRET_NAME } } }, response: { 200: secretsResponse } } },
    async (request) => {
      const { app: name, name: secret } = request.params;
      await deps.apps.get(name);
      if (!(await deps.buildSecrets.unset(name, secret))) {
        throw new NotFoundError('BUILD_SECRET_NOT_FOUND', `app "${name}" has no build secret "${secret}"`, { app: name, secret });
      }
      return { secrets: await deps.buildSecrets.list(name) };
    },
  );
}

function applyPatch(current: App, patch: BuildConfigPatch): App {
  const next: App = { ...current };
  if (patch.contextDir !== undefined) next.contextDir = insideRepo('contextDir', patch.contextDir, '.');
  if (patch.dockerfile === null) delete next.dockerfile;
  else if (patch.dockerfile !== undefined) next.dockerfile = insideRepo('dockerfile', patch.dockerfile, 'Dockerfile');
  if (patch.builder === null) delete next.builder;
  else if (patch.builder !== undefined) next.builder = knownBuilder(patch.builder);
  if (patch.postCommit === null) delete next.postCommit;
  else if (patch.postCommit !== undefined) next.postCommit = patch.postCommit;
  if (patch.buildArgs) {
    const args = { ...current.buildArgs };
    for (const [key, value] of Object.entries(patch.buildArgs)) {
      if (value === null) delete args[key];
      else args[key] = value;
    }
    next.buildArgs = args;
  }
  return next;
}
