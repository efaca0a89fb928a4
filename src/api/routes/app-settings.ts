import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { changeApp } from '../../apps/change-app.js';
import { checkDeployConfig } from '../../store/deploy-config.js';
import { autoscaleSchema, hooksInputSchema, hooksSchema, probesInputSchema, probesSchema, shutdownSchema, strategySchema } from '../../store/schemas/deploy-config.js';
import type { ApiDeps } from '../deps.js';
import { answerOf, appParams, releaseOrNull } from '../schemas.js';
import { closed } from '../../store/schemas/type-helpers.js';

/**
 * Settings that replace one part of the deploy config as a whole: `hooks` and `strategy` take
 * effect from the next release (they do not change the pods), `probes`, `shutdown` and `autoscale` roll out now.
 * `null` removes the setting. `input` is what a request sets, `stored` what the app keeps.
 */
const SETTINGS = [
  { field: 'hooks', input: hooksInputSchema, stored: hooksSchema, rollout: false },
  { field: 'strategy', input: strategySchema, stored: strategySchema, rollout: false },
  { field: 'probes', input: probesInputSchema, stored: probesSchema, rollout: true },
  { field: 'shutdown', input: shutdownSchema, stored: shutdownSchema, rollout: true },
  // A release applies the HPA (and default requests) now; a rollback keeps the app's current one (render/autoscaler.ts).
  { field: 'autoscale', input: autoscaleSchema, stored: autoscaleSchema, rollout: true },
] as const;

export default async function appSettingRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  for (const { field, input, stored, rollout } of SETTINGS) {
    const answer = Type.Union([answerOf(stored), Type.Null()]);

    app.get(
      `/apps/:app/${field}`,
      { schema: { params: appParams, response: { 200: Type.Object({ [field]: answer }, closed) } } },
      async (request) => ({ [field]: (await deps.apps.get(request.params.app)).deploy[field] ?? null }),
    );

    app.put(
      `/apps/:app/${field}`,
      {
        schema: {
          params: appParams,
          body: Type.Object({ [field]: Type.Union([input, Type.Null()]) }, closed),
          response: { 200: Type.Object({ [field]: answer, release: releaseOrNull }, closed) },
        },
      },
      async (request) => {
        const target = await deps.apps.get(request.params.app);
        const value = request.body[field];
        const { [field]: _old, ...rest } = target.deploy;
        const deploy = checkDeployConfig(value === null ? rest : { ...rest, [field]: value }, target.deploy);
        const { app: changed, release } = await changeApp(deps, { app: target, deploy, rollout });
        return { [field]: changed.deploy[field] ?? null, release: release ?? null };
      },
    );
  }
}
