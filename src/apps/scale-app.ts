import { scaleWorkload } from '../releases/cluster/scale-workload.js';
import type { Services } from '../services/services.js';
import type { ScaleEvent } from '../store/types.js';

type ScaleDeps = Pick<Services, 'apps' | 'kubeConfig'>;

/**
 * Scale is the app's, not a release's (`heroku ps:scale`, `kubectl scale`): it applies at once,
 * makes no release, is recorded, and every later release and rollback keeps it.
 */
export async function scaleApp(deps: ScaleDeps, params: { app: string; replicas: number }): Promise<{ replicas: number; previous: number; applied: boolean }> {
  const app = await deps.apps.get(params.app);
  const { replicas } = params;
  const previous = app.deploy.replicas;
  await deps.apps.replace({ ...app, deploy: { ...app.deploy, replicas } });
  await deps.apps.recordScale(app.name, { from: previous, to: replicas, at: new Date().toISOString() });
  const applied = await scaleWorkload({ kc: deps.kubeConfig(), app: app.name, config: app.deploy, replicas });
  return { replicas, previous, applied };
}

/** The app's replicas and its newest scale changes. */
export async function scaleHistory(deps: Pick<Services, 'apps'>, name: string): Promise<{ replicas: number; events: ScaleEvent[] }> {
  const app = await deps.apps.get(name);
  return { replicas: app.deploy.replicas, events: await deps.apps.scaleEvents(app.name) };
}
