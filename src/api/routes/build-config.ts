import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { insideRepo } from '../../apps/create-app.js';
import { knownBuilder } from '../../builds/builder-catalog.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { BUILD_ARG_LIMITS, buildArgNames, buildSettingFields } from '../../store/schemas/app.js';
import { closed, mapOf, orNull } from '../../store/schemas/type-helpers.js';
import { buildSecretSummarySchema } from '../../store/schemas/views.js';
import type { App } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appNameParams, appRef } from '../schemas.js';

const SECRET_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/** A field set to null goes back to its default (detection, no Dockerfile path, no test). */
const buildConfigPatch = Type.Object(
  {
    contextDir: Type.Optional(buildSettingFields.contextDir),
    dockerfile: Type.Optional(orNull(buildSettingFields.dockerfile)),
    builder: Type.Optional(orNull(buildSettingFields.builder)),
    buildArgs: Type.Optional(
      mapOf(orNull(Type.String({ maxLength: BUILD_ARG_LIMITS.value })), {
        maxProperties: BUILD_ARG_LIMITS.count,
        propertyNames: buildArgNames,
        description: "Merged into the app's build args; a null value removes that arg.",
      }),
    ),
    postCommit: Type.Optional(orNull(buildSettingFields.postCommit)),
  },
  { ...closed, minProperties: 1 },
);
type BuildConfigPatch = Static<typeof buildConfigPatch>;

const secretsResponse = Type.Object({ secrets: Type.Array(buildSecretSummarySchema) }, closed);

/**
 * How an app is built, as an OpenShift BuildConfig says it: context dir, Dockerfile path,
 * pinned builder, build args, post-build test; and its build secrets, which are write-only.
 */
export default async function buildConfigRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.patch(
    '/apps/:app/build-config',
    { schema: { params: appNameParams, body: buildConfigPatch, response: { 200: appRef } } },
    async (request) => deps.apps.replace(applyPatch(await deps.apps.get(request.params.app), request.body)),
  );

  app.get('/apps/:app/build-secrets', { schema: { params: appNameParams, response: { 200: secretsResponse } } }, async (request) => {
    await deps.apps.get(request.params.app);
    return { secrets: await deps.buildSecrets.list(request.params.app) };
  });

  /** Sets or replaces secrets; the response names them with a fingerprint, never a value. */
  app.put(
    '/apps/:app/build-secrets',
    {
      schema: {
        params: appNameParams,
        body: Type.Object(
          { secrets: mapOf(Type.String({ maxLength: 65_536 }), { minProperties: 1, propertyNames: { pattern: SECRET_NAME } }) },
          closed,
        ),
        response: { 200: secretsResponse },
      },
    },
    async (request) => {
      await deps.apps.get(request.params.app);
      await deps.buildSecrets.set(request.params.app, request.body.secrets);
      return { secrets: await deps.buildSecrets.list(request.params.app) };
    },
  );

  app.delete(
    '/apps/:app/build-secrets/:name',
    {
      schema: {
        params: Type.Object({ ...appNameParams.properties, name: Type.String({ pattern: SECRET_NAME }) }, closed),
        response: { 200: secretsResponse },
      },
    },
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
    // Each arg was checked by the schema; the merge may still add up to too many.
    if (Object.keys(args).length > BUILD_ARG_LIMITS.count) {
      throw new ValidationError(`buildArgs would hold ${Object.keys(args).length} args; at most ${BUILD_ARG_LIMITS.count} are allowed`, { field: 'buildArgs' });
    }
    next.buildArgs = args;
  }
  return next;
}
