import type { FastifyInstance } from 'fastify';
import { changeApp } from '../../apps/change-app.js';
import { checkDeployConfig } from '../../store/deploy-config.js';
import { hooksSchema, probesSchema, strategySchema } from '../../store/lifecycle-schemas.js';
import type { DeployConfig } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const releaseOrNull = { anyOf: [{ $ref: 'Release#' }, { type: 'null' }] };
const anyObject = { type: 'object', additionalProperties: true };

/**
 * Settings that replace one part of the deploy config as a whole: `hooks` and `strategy` take
 * effect from the next release (they do not change the pods), `probes` roll out now.
 * `null` removes the setting.
 */
const SETTINGS = [
  { path: 'hooks', field: 'hooks', schema: hooksSchema, rollout: false },
  { path: 'strategy', field: 'strategy', schema: strategySchema, rollout: false },
  { path: 'probes', field: 'probes', schema: probesSchema, rollout: true },
] as const;

export default async function appSettingRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  for (const setting of SETTINGS) {
    app.get<{ Params: { app: string } }>(
      `/apps/:app/${setting.path}`,
      { schema: { params: appParams, response: { 200: { type: 'object', properties: { [setting.field]: { anyOf: [anyObject, { type: 'null' }] } } } } } },
      async (request) => ({ [setting.field]: (await deps.apps.get(request.params.app)).deploy[setting.field] ?? null }),
    );

    app.put<{ Params: { app: string }; Body: Record<string, unknown> }>(
      `/apps/:app/${setting.path}`,
      {
        schema: {
          params: appParams,
          body: { type: 'object', required: [setting.field], additionalProperties: false, properties: { [setting.field]: { anyOf: [setting.schema, { type: 'null' }] } } },
          response: { 200: { type: 'object', properties: { [setting.field]: { anyOf: [anyObject, { type: 'null' }] }, release: releaseOrNull } } },
        },
      },
      async (request) => {
        const target = await deps.apps.get(request.params.app);
        const value = request.body[setting.field];
        const { [setting.field]: _old, ...rest } = target.deploy;
        const deploy = checkDeployConfig((value === null ? rest : { ...rest, [setting.field]: value }) as DeployConfig);
        const { app: changed, release } = await changeApp(deps, { app: target, deploy, rollout: setting.rollout });
        return { [setting.field]: changed.deploy[setting.field] ?? null, release: release ?? null };
      },
    );
  }
}
