import { SlipwayError } from '../errors.js';
import { scaleWorkload } from '../releases/cluster/scale-workload.js';
import { workloadName } from '../releases/progressive/plan.js';
import type { Services } from '../services/services.js';
import { checkSingleNodeVolumes } from '../store/single-node-volumes.js';
import type { App, ScaleEvent } from '../store/types.js';

type ScaleDeps = Pick<Services, 'apps' | 'releases' | 'kubeConfig'>;

/** AUTOSCALE_OWNS_REPLICAS when the app autoscales: `scale` and a PATCH of `deploy.replicas` alike. */
export function refuseScaleWhileAutoscaling(app: App): void {
  const { autoscale } = app.deploy;
  if (!autoscale) return;
  throw new SlipwayError(
    'AUTOSCALE_OWNS_REPLICAS',
    `${app.name} autoscales between ${autoscale.minReplicas} and ${autoscale.maxReplicas} replicas: its autoscaler owns the count. Change the range with \`slipway autoscale ${app.name} --min N --max M\`, or turn it off with \`slipway autoscale ${app.name} --off\` and scale by hand`,
    { app: app.name, minReplicas: autoscale.minReplicas, maxReplicas: autoscale.maxReplicas },
  );
}

/**
 * Scale is the app's, not a release's (`heroku ps:scale`, `kubectl scale`): it applies at once,
 * makes no release, is recorded, and every later release and rollback keeps it.
 */
export async function scaleApp(deps: ScaleDeps, params: { app: string; replicas: number }): Promise<{ replicas: number; previous: number; applied: boolean }> {
  const app = await deps.apps.get(params.app);
  const { replicas } = params;
  // The HPA sets the workload's replicas: a scale would be overridden at its next sync (as
  // `oc scale` on an HPA's target silently is), so it is refused, saying what to do instead.
  refuseScaleWhileAutoscaling(app);
  const previous = app.deploy.replicas;
  // Before anything is stored or applied: more pods than a ReadWriteOnce volume can serve is refused (VOLUME_SINGLE_NODE).
  checkSingleNodeVolumes({ ...app.deploy, replicas }, app.deploy);
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
