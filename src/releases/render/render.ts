import { createHash } from 'node:crypto';
import type { DeployConfig } from '../../store/types.js';
import { appLabels, CONFIG_HASH_ANNOTATION, LABELS, RESTARTED_AT_ANNOTATION } from './labels.js';
import { envConfigMap, envFromRefs } from './render-config.js';
import { livenessProbe, readinessProbe } from './render-probes.js';
import { deploymentStrategy } from './render-strategy.js';
import { volumeWiring } from './render-volumes.js';
import { restrictedContainerContext, restrictedPodContext, withRestrictedDefaults } from './security-context.js';
import type { Manifest } from './manifest.js';
import { previewHost, previewServiceName, progressiveType, sideServiceName, weightedRouter, workloadName } from '../progressive/plan.js';
import { httpRoute } from './http-route.js';

export interface RenderInput {
  app: string;
  release: number;
  /** Always by digest (`repo@sha256:...`): a tag can move, a release must not. */
  image: string;
  port: number;
  config: DeployConfig;
  /** Set by a restart: a new pod-template annotation, so every pod is replaced. */
  restartedAt?: string;
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
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/**
 * Renders a release: the env ConfigMap, Service, the workload (Deployment, or StatefulSet with its headless
 * Service) and an Ingress when the app has a host. Pure: the same input gives the same
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
    // The router takes the host: every request of it to this release once it is promoted.
    manifests.push(httpRoute({ metadata: metadata(app), gateway, ...(config.host ? { host: config.host } : {}), backends: [{ service: side, weight: 100 }] }));
  } else if (config.host) {
    manifests.push(ingress({ host: config.host, service: app, metadata: metadata(app) }));
    if (progressive === 'BlueGreen' && config.service !== false) {
      const preview = previewServiceName(app);
      manifests.push(ingress({ host: previewHost({ host: config.host, strategy: config.strategy }), service: preview, metadata: metadata(preview) }));
    }
  }
  return manifests;
}

function podTemplate(input: RenderInput & { labels: Record<string, string> }): Record<string, unknown> {
  const { config, labels, port } = input;
  const annotations: Record<string, string> = { ...config.podAnnotations, [CONFIG_HASH_ANNOTATION]: configHash({ port, config }) };
  if (input.restartedAt) annotations[RESTARTED_AT_ANNOTATION] = input.restartedAt;
  if (config.podTemplate) return broughtPodTemplate({ ...input, annotations });
  const { volumes } = volumeWiring(input.app, config);
  return { metadata: { labels, annotations }, spec: { securityContext: restrictedPodContext(), containers: [container(input)], ...(volumes.length ? { volumes } : {}) } };
}

/**
 * A template's own pod spec, with the release's image, links and Slipway's labels added, and the
 * restricted security context filled in wherever it says nothing (the namespace enforces it).
 */
function broughtPodTemplate(input: RenderInput & { labels: Record<string, string>; annotations: Record<string, string> }): Record<string, unknown> {
  const brought = input.config.podTemplate!;
  const spec = withRestrictedDefaults(brought.spec) as { containers?: Array<Record<string, unknown>> };
  const refs = envFromRefs({ app: input.app, namespace: input.config.namespace, config: input.config });
  const { volumes, mounts } = volumeWiring(input.app, input.config);
  for (const c of spec.containers ?? []) {
    if (c.name !== brought.container) continue;
    c.image = input.image;
    if (refs.length) c.envFrom = [...((c.envFrom as unknown[]) ?? []), ...refs];
    if (mounts.length) c.volumeMounts = [...((c.volumeMounts as unknown[]) ?? []), ...mounts];
  }
  if (volumes.length) (spec as { volumes?: unknown[] }).volumes = [...((spec as { volumes?: unknown[] }).volumes ?? []), ...volumes];
  return { metadata: { labels: { ...brought.labels, ...input.labels }, annotations: input.annotations }, spec };
}

/** The app's container: PORT inline, its env and secrets through envFrom (see render-config.ts). */
function container(input: RenderInput): Record<string, unknown> {
  const { app, image, port, config } = input;
  const refs = envFromRefs({ app, namespace: config.namespace, config });
  const readiness = readinessProbe(config);
  const liveness = livenessProbe(config);
  const { mounts } = volumeWiring(app, config);
  const resources = config.resources ? { requests: { ...config.resources } } : undefined;
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
    securityContext: restrictedContainerContext(),
  };
}

function ingress(params: { host: string; service: string; metadata: Manifest['metadata'] }): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: params.metadata,
    spec: {
      rules: [{ host: params.host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: params.service, port: { name: 'http' } } } }] } }],
    },
  };
}
