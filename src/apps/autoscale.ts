import { readAutoscaler } from '../releases/cluster/read-autoscaler.js';
import type { ReleaseDeps } from '../releases/make-release.js';
import type { Services } from '../services/services.js';
import type { AppStore } from '../store/app-store.js';
import { checkDeployConfig } from '../store/deploy-config.js';
import type { DeployConfig, Release } from '../store/types.js';
import type { AutoscaleStatus } from '../store/views.js';
import { changeApp } from './change-app.js';

/**
 * Turns an app's autoscaling off: a release without the HPA (the deploy worker deletes it), whose
 * workload gets the app's own scale again. Setting it is a deploy setting like probes (app-settings.ts).
 */
export async function turnOffAutoscale(deps: ReleaseDeps & { apps: AppStore }, name: string): Promise<{ release?: Release }> {
  const app = await deps.apps.get(name);
  const { autoscale: _off, ...rest } = app.deploy;
  const { release } = await changeApp(deps, { app, deploy: checkDeployConfig(rest, app.deploy), rollout: true });
  return release ? { release } : {};
}

/** The app's autoscaler setting and what its HPA reports now (null while there is none in the cluster). */
export async function autoscaleStatus(
  deps: Pick<Services, 'apps' | 'kubeConfig'>,
  name: string,
): Promise<{ autoscale: NonNullable<DeployConfig['autoscale']> | null; status: AutoscaleStatus | null }> {
  const app = await deps.apps.get(name);
  const { autoscale } = app.deploy;
  if (!autoscale) return { autoscale: null, status: null };
  return { autoscale, status: await readAutoscaler({ kc: deps.kubeConfig(), namespace: app.deploy.namespace, name: app.name }) };
}
