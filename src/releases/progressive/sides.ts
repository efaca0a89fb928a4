// The two sides of a blue-green or canary rollout in the cluster: scaling one, retiring the
// others once a release is promoted, and how the new side's pods are doing.
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { scaleWorkload } from '../cluster/scale-workload.js';
import { applyManifests } from '../cluster/apply.js';
import { appLabels, appSelector, LABELS, releaseLabels, releaseSelector } from '../render/labels.js';
import type { Release } from '../../store/types.js';
import { isPodReady } from '../rollout/workload-status.js';
import { deleteIfPresent } from '../../services/kube-not-found.js';

/** Sets a side's replicas now (a Deployment of the app); false when it does not exist. */
export function scaleSide(params: { kc: KubeConfig; namespace: string; name: string; replicas: number }): Promise<boolean> {
  return scaleWorkload({ ...params, kind: 'Deployment' });
}

/**
 * The app's Deployments but those in `keep` go: `scaleDown` (the side that served before a
 * promotion) is scaled to 0 and kept, so `kubectl get deploy` shows what ran last; any other is
 * deleted (a side left by a crashed rollout, or older ones). Answers what it did, as
 * `scaled web-r4 to 0`, `deleted web-r3`.
 */
export async function retireSides(params: { kc: KubeConfig; namespace: string; app: string; keep: string[]; scaleDown?: string }): Promise<string[]> {
  const { kc, namespace, app } = params;
  const apps = kc.makeApiClient(AppsV1Api);
  const listed = await apps.listNamespacedDeployment({ namespace, labelSelector: appSelector(app) });
  const done: string[] = [];
  // The Services of retired sides a weighted router weighed (`<app>-r<n>`) go too.
  const core = kc.makeApiClient(CoreV1Api);
  const services = await core.listNamespacedService({ namespace, labelSelector: appSelector(app) });
  const sidePattern = new RegExp(`^${app}-r[0-9]+$`);
  for (const service of services.items) {
    const name = service.metadata?.name ?? '';
    if (!sidePattern.test(name) || params.keep.includes(name) || service.metadata?.deletionTimestamp) continue;
    await deleteIfPresent(() => core.deleteNamespacedService({ namespace, name }));
    done.push(`deleted Service ${name}`);
  }
  for (const deployment of listed.items) {
    const name = deployment.metadata?.name ?? '';
    if (!name || params.keep.includes(name) || deployment.metadata?.deletionTimestamp) continue;
    if (name === params.scaleDown) {
      if ((deployment.spec?.replicas ?? 0) === 0) continue;
      await scaleSide({ kc, namespace, name, replicas: 0 });
      done.push(`scaled ${name} to 0`);
      continue;
    }
    await deleteIfPresent(() => apps.deleteNamespacedDeployment({ namespace, name, propagationPolicy: 'Background' }));
    done.push(`deleted ${name}`);
  }
  return done;
}

/**
 * A Service of one release's pods, `<app>-r<n>`, for a weighted router to send that release its
 * share: a canary's is part of its manifests; the stable release's is made here when it has
 * none (a Rolling release before the first weighted canary). Labelled as the stable release's,
 * with what it runs (never in the selector).
 */
export async function ensureSideService(params: {
  kc: KubeConfig;
  namespace: string;
  app: string;
  release: Pick<Release, 'number' | 'image' | 'commit'>;
  name: string;
}): Promise<void> {
  const { number, image, commit } = params.release;
  const selector = { ...appLabels(params.app), [LABELS.release]: String(number) };
  const labels = { ...selector, ...releaseLabels({ app: params.app, image, ...(commit ? { commit } : {}), component: 'server' }) };
  await applyManifests(params.kc, [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: params.name, namespace: params.namespace, labels },
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    },
  ]);
}

/** The release's pods as an analysis sees them: how many, how many ready, their container restarts. */
export interface SideHealth {
  pods: number;
  ready: number;
  restarts: number;
  /** Pods not ready, and pods whose containers restarted, with what their containers say. */
  problems: Array<{ pod: string; reason: string; message?: string; restartCount?: number }>;
}

export async function sideHealth(params: { kc: KubeConfig; namespace: string; app: string; release: number }): Promise<SideHealth> {
  const listed = await params.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: params.namespace, labelSelector: releaseSelector(params.app, params.release) });
  return podsHealth(listed.items.filter((p) => !p.metadata?.deletionTimestamp));
}

/** Pure: the health of a side from its pods. */
export function podsHealth(pods: V1Pod[]): SideHealth {
  const problems: SideHealth['problems'] = [];
  let ready = 0;
  let restarts = 0;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    const statuses = pod.status?.containerStatuses ?? [];
    const podRestarts = statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
    restarts += podRestarts;
    if (isPodReady(pod)) ready += 1;
    const state = statuses.map((s) => s.state?.waiting ?? s.state?.terminated).find(Boolean);
    const last = statuses.map((s) => s.lastState?.terminated).find(Boolean);
    if (podRestarts > 0) {
      const said = last ? `last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : undefined;
      problems.push({ pod: name, reason: state?.reason ?? 'Restarted', restartCount: podRestarts, ...(said ? { message: said } : {}) });
    } else if (!isPodReady(pod)) {
      problems.push({ pod: name, reason: state?.reason ?? 'NotReady', ...(state?.message ? { message: state.message } : {}) });
    }
  }
  return { pods: pods.length, ready, restarts, problems };
}
