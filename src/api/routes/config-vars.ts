import type { FastifyInstance } from 'fastify';
import { changeApp } from '../../apps/change-app.js';
import { maskSecret } from '../../store/secret-store.js';
import type { App } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const KEY = '^[A-Za-z_][A-Za-z0-9_]*$';
const changeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    set: { type: 'object', propertyNames: { pattern: KEY, maxLength: 253 }, additionalProperties: { type: 'string', maxLength: 65_536 } },
    unset: { type: 'array', maxItems: 500, items: { type: 'string', pattern: KEY } },
  },
};
const releaseOrNull = { anyOf: [{ $ref: 'Release#' }, { type: 'null' }] };
const maskedSecrets = { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'string' } } } };

type Change = { set?: Record<string, string>; unset?: string[] };

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
export default async function configVarRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const maskedOf = async (target: App) => {
    const ref = target.deploy.secret;
    const values = ref ? (await deps.secrets.get(target.name, ref.version)) ?? {} : {};
    return { version: ref?.version ?? null, secrets: ref ? ref.keys.map((key) => ({ key, value: maskSecret(values[key] ?? '') })) : [] };
  };

  app.get<{ Params: { app: string } }>(
    '/apps/:app/env',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { env: { type: 'object', additionalProperties: { type: 'string' } } } } } } },
    async (request) => ({ env: (await deps.apps.get(request.params.app)).deploy.env }),
  );

  app.patch<{ Params: { app: string }; Body: Change }>(
    '/apps/:app/env',
    {
      schema: {
        params: appParams,
        body: changeBody,
        response: { 200: { type: 'object', properties: { env: { type: 'object', additionalProperties: { type: 'string' } }, release: releaseOrNull } } },
      },
    },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const env = applyChange(target.deploy.env, request.body);
      if (sameEntries(env, target.deploy.env)) return { env, release: null };
      const { release } = await changeApp(deps, { app: target, deploy: { ...target.deploy, env } });
      return { env, release: release ?? null };
    },
  );

  app.get<{ Params: { app: string } }>(
    '/apps/:app/secrets',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { version: { type: ['string', 'null'] }, secrets: maskedSecrets } } } } },
    async (request) => maskedOf(await deps.apps.get(request.params.app)),
  );

  app.patch<{ Params: { app: string }; Body: Change }>(
    '/apps/:app/secrets',
    {
      schema: {
        params: appParams,
        body: changeBody,
        response: { 200: { type: 'object', properties: { version: { type: ['string', 'null'] }, secrets: maskedSecrets, release: releaseOrNull } } },
      },
    },
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
