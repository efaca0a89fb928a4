import { createHash } from 'node:crypto';
import type { DeployConfig } from '../../store/types.js';
import { appLabels, CONFIG_HASH_ANNOTATION, LABELS, RESTARTED_AT_ANNOTATION, withReleaseLabels } from './labels.js';
import { preStopLifecycle, withShutdownDefaults } from './shutdown.js';
import { shutdownOf } from '../../store/deploy-config.js';
import { envConfigMap, envFromRefs } from './render-config.js';
import { livenessProbe, readinessProbe } from './render-probes.js';
import { deploymentStrategy } from './render-strategy.js';
import { volumeWiring } from './render-volumes.js';
import { fileWiring } from './render-files.js';
import { restrictedContainerContext, restrictedPodContext, withRestrictedDefaults } from './security-context.js';
import type { Manifest } from './manifest.js';
import { previewHost, previewServiceName, progressiveType, sideServiceName, weightedRouter, workloadName } from '../progressive/plan.js';
import { httpRoute } from './http-route.js';
import { renderIngress, routedHosts } from './ingress.js';

export interface RenderInput {
  app: string;
  release: number;
  /** Always by digest (`repo@sha256:...`): a tag can move, a release must not. */
  image: string;
  port: number;
  config: DeployConfig;
  /** Set by a restart: a new pod-template annotation, so every pod is replaced. */
  restartedAt?: string;
  /** The full sha of the commit the image was built from (labels.ts: `slipway.dev/commit`); none for an image deployed by digest. */
  commit?: string;
}

/** A short, stable hash of everything but the image that shapes the running pods. */
export function configHash(params: { port: number; config: DeployConfig }): string {
  const { config } = params;
  const canonical = JSON.stringify({
    port: params.port,
    kind: config.kind,
    replicas: config.replicas,
    env: Object.entries(config.env).sort(),
    host: config.host ?? null,
    readinessPath: config.readinessPath ?? null,
    podAnnotations: Object.entries(config.podAnnotations).sort(),
    resources: config.resources ?? null,
    links: config.links ?? [],
    service: config.service ?? true,
    podTemplate: config.podTemplate ?? null,
    // Fields added later hash only when set, so existing releases keep their hash.
    ...(config.volumes?.length ? { volumes: config.volumes } : {}),
    ...(config.probes ? { probes: config.probes } : {}),
    ...(config.secret ? { secret: config.secret.version } : {}),
    ...(config.shutdown ? { shutdown: config.shutdown } : {}),
    ...(config.files ? { files: config.files } : {}),
    ...(config.secretFiles ? { secretFiles: config.secretFiles } : {}),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/**
 * Renders a release: the env ConfigMap, Service, the workload (Deployment, or StatefulSet with its headless
 * Service) and an Ingress when the app has a host or routes (ingress.ts). Pure: the same input gives the same
 * objects, so a rollback can re-apply a release's stored manifests verbatim.
 */
export function renderManifests(input: RenderInput): Manifest[] {
  const { app, release, config } = input;
  const labels = { ...appLabels(app), [LABELS.release]: String(release) };
  const metadata = (name: string) => ({ name, namespace: config.namespace, labels });
  // A progressive release runs as a side of its own beside the current release's (progressive/plan.ts):
  // its Deployment selects only its pods; the app's Service selects the pods that take traffic.
  const progressive = progressiveType(config);
  const ownPods = { ...appLabels(app), [LABELS.release]: String(release) };
  const service = (name: string, selector: Record<string, string>): Manifest => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(name),
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  });
  const template = podTemplate({ ...input, labels });
  const workload: Manifest =
    config.kind === 'StatefulSet'
      ? {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: metadata(app),
          spec: {
            replicas: config.replicas,
            serviceName: `${app}-pods`,
            selector: { matchLabels: appLabels(app) },
            updateStrategy: { type: 'RollingUpdate' },
            template,
          },
        }
      : {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: metadata(workloadName({ app, release, config })),
          spec: {
            replicas: config.replicas,
            selector: { matchLabels: progressive ? ownPods : appLabels(app) },
            strategy: deploymentStrategy(config),
            revisionHistoryLimit: progressive ? 1 : 10,
            template,
          },
        };
  const configMap = envConfigMap({ app, namespace: config.namespace, env: config.env });
  // The ConfigMap first: pods referencing it must not be created before it exists.
  const manifests: Manifest[] = configMap ? [configMap] : [];
  if (config.service !== false) {
    // Blue-green: the app's Service selects one release (the switch changes which); canary and
    // the in-place strategies: every pod of the app, so traffic follows the pod counts.
    manifests.push(service(app, progressive === 'BlueGreen' ? ownPods : appLabels(app)));
    if (progressive === 'BlueGreen') manifests.push(service(previewServiceName(app), ownPods));
  }
  // A canary behind a weighted router: a Service of the release's own pods for the router to weigh.
  const gateway = weightedRouter(config);
  const side = sideServiceName(app, release);
  if (gateway) manifests.push(service(side, ownPods));
  if (config.kind === 'StatefulSet') {
    manifests.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(`${app}-pods`),
      spec: { clusterIP: 'None', selector: appLabels(app), ports: [{ name: 'http', port: input.port, targetPort: 'http' }] },
    });
  }
  manifests.push(workload);
  if (gateway) {
    // The router takes the hosts: every request of them to this release once it is promoted.
    const hosts = routedHosts(config);
    manifests.push(httpRoute({ metadata: metadata(app), gateway, ...(hosts.length ? { hosts } : {}), backends: [{ service: side, weight: 100 }] }));
  } else {
    const appIngress = renderIngress({ app, config, service: app, metadata: metadata(app) });
    if (appIngress) manifests.push(appIngress);
    if (appIngress && progressive === 'BlueGreen' && config.service !== false) {
      // The strategy's previewHost stands for the first host; every other host gets `<first label>-preview.<rest>`.
      const preview = previewServiceName(app);
      const previewOf = (host: string, index: number) => previewHost({ host, ...(index === 0 && config.strategy ? { strategy: config.strategy } : {}) });
      manifests.push(renderIngress({ app, config, service: preview, metadata: metadata(preview), preview: previewOf })!);
    }
  }
  return withReleaseLabels(manifests, { app, image: input.image, ...(input.commit ? { commit: input.commit } : {}) });
}

function podTemplate(input: RenderInput & { labels: Record<string, string> }): Record<string, unknown> {
  const { config, labels, port } = input;
  const annotations: Record<string, string> = { ...config.podAnnotations, [CONFIG_HASH_ANNOTATION]: configHash({ port, config }) };
  if (input.restartedAt) annotations[RESTARTED_AT_ANNOTATION] = input.restartedAt;
  if (config.podTemplate) return broughtPodTemplate({ ...input, annotations });
  const { volumes } = podVolumes(input.app, config);
  const { gracePeriodSeconds } = shutdownOf(config);
  return {
    metadata: { labels, annotations },
    spec: { securityContext: restrictedPodContext(), terminationGracePeriodSeconds: gracePeriodSeconds, containers: [container(input)], ...(volumes.length ? { volumes } : {}) },
  };
}

/**
 * A template's own pod spec, with the release's image, links and Slipway's labels added, and the
 * restricted security context filled in wherever it says nothing (the namespace enforces it).
 */
function broughtPodTemplate(input: RenderInput & { labels: Record<string, string>; annotations: Record<string, string> }): Record<string, unknown> {
  const brought = input.config.podTemplate!;
  const spec = withShutdownDefaults({ spec: withRestrictedDefaults(brought.spec), container: brought.container, config: input.config }) as { containers?: Array<Record<string, unknown>> };
  const refs = envFromRefs({ app: input.app, namespace: input.config.namespace, config: input.config });
  const { volumes, mounts } = podVolumes(input.app, input.config);
  for (const c of spec.containers ?? []) {
    if (c.name !== brought.container) continue;
    c.image = input.image;
    if (refs.length) c.envFrom = [...((c.envFrom as unknown[]) ?? []), ...refs];
    if (mounts.length) c.volumeMounts = [...((c.volumeMounts as unknown[]) ?? []), ...mounts];
  }
  if (volumes.length) (spec as { volumes?: unknown[] }).volumes = [...((spec as { volumes?: unknown[] }).volumes ?? []), ...volumes];
  return { metadata: { labels: { ...brought.labels, ...input.labels }, annotations: input.annotations }, spec };
}

/** The app's volume claims, then its config and secret files (render-files.ts). */
function podVolumes(app: string, config: DeployConfig): ReturnType<typeof volumeWiring> {
  const claims = volumeWiring(app, config);
  const files = fileWiring(app, config);
  return { volumes: [...claims.volumes, ...files.volumes], mounts: [...claims.mounts, ...files.mounts] };
}

/** The app's container: PORT inline, its env and secrets through envFrom (see render-config.ts). */
function container(input: RenderInput): Record<string, unknown> {
  const { app, image, port, config } = input;
  const refs = envFromRefs({ app, namespace: config.namespace, config });
  const readiness = readinessProbe(config);
  const liveness = livenessProbe(config);
  const { mounts } = podVolumes(app, config);
  const resources = config.resources ? { requests: { ...config.resources } } : undefined;
  const lifecycle = preStopLifecycle(shutdownOf(config));
  return {
    name: app,
    image,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: [{ name: 'PORT', value: String(port) }],
    ...(refs.length ? { envFrom: refs } : {}),
    ...(readiness ? { readinessProbe: readiness } : {}),
    ...(liveness ? { livenessProbe: liveness } : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    ...(resources ? { resources } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    securityContext: restrictedContainerContext(),
  };
}
