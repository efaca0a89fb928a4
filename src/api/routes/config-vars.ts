import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { changeApp } from '../../apps/change-app.js';
import { dryRunChange } from '../../apps/dry-run-app.js';
import { dryRunQuerySchema, dryRunSchema } from '../../store/schemas/dry-run.js';
import { closed, mapOf, orNull, stringMap } from '../../store/schemas/type-helpers.js';
import { maskSecret } from '../../store/secret-store.js';
import type { App } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appParams, releaseOrNull } from '../schemas.js';

const KEY = '^[A-Za-z_][A-Za-z0-9_]*$';
const changeBody = Type.Object(
  {
    set: Type.Optional(mapOf(Type.String({ maxLength: 65_536 }), { propertyNames: { pattern: KEY, maxLength: 253 } })),
    unset: Type.Optional(Type.Array(Type.String({ pattern: KEY }), { maxItems: 500 })),
  },
  { ...closed, minProperties: 1 },
);
type Change = Static<typeof changeBody>;

/** The secret env as the API shows it: the version, and each key with its value masked. */
const maskedSecrets = {
  version: orNull(Type.String()),
  secrets: Type.Array(Type.Object({ key: Type.String(), value: Type.String() }, closed)),
};

function applyChange(current: Record<string, string>, change: Change): Record<string, string> {
  const next = { ...current, ...(change.set ?? {}) };
  for (const key of change.unset ?? []) delete next[key];
  return next;
}

const sameEntries = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Config vars (`env`, an immutable ConfigMap per content) and secrets (an immutable Secret per
 * version, values kept out of every record), Heroku's `config:set` style: every change that
 * changes something is a new release of a running app, so a rollback restores the old values.
 */
export default async function configVarRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const maskedOf = async (target: App) => {
    const ref = target.deploy.secret;
    const values = ref ? (await deps.secrets.get(target.name, ref.version)) ?? {} : {};
    return { version: ref?.version ?? null, secrets: ref ? ref.keys.map((key) => ({ key, value: maskSecret(values[key] ?? '') })) : [] };
  };

  app.get(
    '/apps/:app/env',
    { schema: { params: appParams, response: { 200: Type.Object({ env: stringMap() }, closed) } } },
    async (request) => ({ env: (await deps.apps.get(request.params.app)).deploy.env }),
  );

  app.patch(
    '/apps/:app/env',
    {
      schema: {
        params: appParams,
        body: changeBody,
        querystring: dryRunQuerySchema,
        response: { 200: Type.Union([Type.Object({ env: stringMap(), release: releaseOrNull }, closed), dryRunSchema]) },
      },
    },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const env = applyChange(target.deploy.env, request.body);
      if (sameEntries(env, target.deploy.env)) return { env, release: null };
      if (request.query.dryRun) return dryRunChange(deps, { app: target, deploy: { ...target.deploy, env } });
      const { release } = await changeApp(deps, { app: target, deploy: { ...target.deploy, env } });
      return { env, release: release ?? null };
    },
  );

  app.get(
    '/apps/:app/secrets',
    { schema: { params: appParams, response: { 200: Type.Object(maskedSecrets, closed) } } },
    async (request) => maskedOf(await deps.apps.get(request.params.app)),
  );

  app.patch(
    '/apps/:app/secrets',
    { schema: { params: appParams, body: changeBody, response: { 200: Type.Object({ ...maskedSecrets, release: releaseOrNull }, closed) } } },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const ref = target.deploy.secret;
      const current = ref ? (await deps.secrets.get(target.name, ref.version)) ?? {} : {};
      const values = applyChange(current, request.body);
      if (sameEntries(values, current)) return { ...(await maskedOf(target)), release: null };
      const { secret: _old, ...rest } = target.deploy;
      const deploy = Object.keys(values).length
        ? { ...rest, secret: { version: await deps.secrets.save(target.name, values), keys: Object.keys(values).sort() } }
        : rest;
      const { app: changed, release } = await changeApp(deps, { app: target, deploy });
      return { ...(await maskedOf(changed)), release: release ?? null };
    },
  );
}
