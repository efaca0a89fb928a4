import { scaleWorkload } from '../releases/cluster/scale-workload.js';
import { workloadName } from '../releases/progressive/plan.js';
import type { Services } from '../services/services.js';
import type { ScaleEvent } from '../store/types.js';

type ScaleDeps = Pick<Services, 'apps' | 'releases' | 'kubeConfig'>;

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
  // The workload of the release that runs: `<app>`, or its blue-green or canary side. A canary
  // in flight re-divides the new scale between its two sides at its next check (progressive/hold.ts).
  const current = await deps.releases.current(app.name);
  const name = current ? workloadName({ app: app.name, release: current.number, config: current.config }) : app.name;
  const applied = await scaleWorkload({ kc: deps.kubeConfig(), namespace: app.deploy.namespace, kind: app.deploy.kind, name, replicas });
  return { replicas, previous, applied };
}

/** The app's replicas and its newest scale changes. */
export async function scaleHistory(deps: Pick<Services, 'apps'>, name: string): Promise<{ replicas: number; events: ScaleEvent[] }> {
  const app = await deps.apps.get(name);
  return { replicas: app.deploy.replicas, events: await deps.apps.scaleEvents(app.name) };
}
