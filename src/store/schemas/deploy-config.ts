// How an app runs on Kubernetes, as JSON Schema: the stored record (`deployConfigSchema`) and
// what a request may set (`deployConfigPatchSchema` and the lifecycle settings' inputs). The
// types in src/store/types.ts are these schemas' static types.
import { Type } from 'typebox';
import { closed, mapOf, opaqueObject, stringEnum, stringMap } from './type-helpers.js';
import { fileSetSchema } from './file-mounts.js';

// Every object refuses unknown fields: a typo in a setting is an error, never silently ignored.

/** A namespace name: a DNS-1123 label. */
export const NAMESPACE_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
/** A Kubernetes object name (Secret, StorageClass): a DNS-1123 subdomain. */
const OBJECT_NAME = '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$';

const seconds = (max: number, description?: string) => Type.Integer({ minimum: 1, maximum: max, ...(description ? { description } : {}) });
const command = (description: string) => Type.Array(Type.String({ maxLength: 10_000 }), { minItems: 1, maxItems: 100, description });

// ---- hooks

const hookFields = {
  command: command('The container command, e.g. `["sh", "-c", "python manage.py migrate"]`.'),
  timeoutSeconds: seconds(86_400, "The Job's activeDeadlineSeconds; Slipway gives up a little after it too."),
  podAnnotations: Type.Optional(
    mapOf(Type.String({ maxLength: 4096 }), { description: "Annotations on the hook's pod (not the app's podAnnotations: a hook is not a server)." }),
  ),
};
const onFailure = stringEnum(['report', 'rollback'], { description: 'A failed post hook is only recorded (`report`) or rolls the release back (`rollback`).' });

export const hookSpecSchema = Type.Object(hookFields, closed);
export const postHookSpecSchema = Type.Object({ ...hookFields, onFailure }, closed);
export const hooksSchema = Type.Object(
  { pre: Type.Optional(hookSpecSchema), post: Type.Optional(postHookSpecSchema) },
  { ...closed, description: "Jobs run from the release's image before the rollout (`pre`) and once it is ready (`post`)." },
);

// Hooks as a request sets them: the defaults (300 s, onFailure report) are applied by
// checkDeployConfig, because Ajv ignores a `default` under the anyOf the settings route wraps these in.
const hookInputFields = { ...hookFields, timeoutSeconds: Type.Optional(hookFields.timeoutSeconds) };
export const hooksInputSchema = Type.Object(
  {
    pre: Type.Optional(Type.Object(hookInputFields, closed)),
    post: Type.Optional(Type.Object({ ...hookInputFields, onFailure: Type.Optional(onFailure) }, closed)),
  },
  closed,
);

// ---- strategy

const surge = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]{1,3}%$' })]);

export const strategySchema = Type.Object(
  {
    type: stringEnum(['Rolling', 'Recreate', 'BlueGreen', 'Canary'], {
      description:
        'Rolling and Recreate: one Deployment replaces its pods. BlueGreen: the new release runs beside the current one behind a preview Service and takes all traffic in one Service switch. Canary: the new release takes a growing share of traffic in steps. Both are judged by release verification at each step (docs/strategies.md).',
    }),
    maxSurge: Type.Optional(surge),
    maxUnavailable: Type.Optional(surge),
    steps: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), {
        minItems: 1,
        maxItems: 20,
        description: 'Canary: the traffic share (percent) of each step, rising; 100 is added as the last step when missing. Default [10, 50, 100].',
      }),
    ),
    pauseSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'Canary: how long each step (but the last) holds, watched, before the next. Default 30.' })),
    manualPromotion: Type.Optional(
      Type.Boolean({ description: 'Wait for `slipway promote` (POST /apps/:app/promote): BlueGreen before the switch, Canary at each step instead of the pause.' }),
    ),
    scaleDownDelaySeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 86_400, description: 'BlueGreen: how long the previous release stays scaled after the switch, for an instant `slipway abort`. Default 30.' }),
    ),
    previewHost: Type.Optional(
      Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253, description: "BlueGreen: the preview Ingress host; default `<first label>-preview.<rest>` of the app's host." }),
    ),
    prometheus: Type.Optional(
      Type.Object(
        {
          query: Type.String({
            minLength: 1,
            maxLength: 4000,
            description:
              'BlueGreen and Canary: a PromQL query asked of the install\'s Prometheus (SLIPWAY_PROMETHEUS_URL) at each step, after the verification and again at the end of the pause; `{{namespace}}`, `{{app}}`, `{{release}}` and `{{stable}}` are replaced. Its first value above `max` fails the step.',
          }),
          max: Type.Number({ description: 'The highest value that passes, e.g. 0.01 for an error rate of 1%.' }),
          failOnNoData: Type.Optional(Type.Boolean({ description: 'An empty answer (no series yet) fails the step; default: it passes, said as no data.' })),
        },
        closed,
      ),
    ),
    gatewayRef: Type.Optional(
      Type.Object(
        { name: Type.String({ pattern: NAMESPACE_PATTERN }), namespace: Type.Optional(Type.String({ pattern: NAMESPACE_PATTERN })) },
        {
          ...closed,
          description:
            "Canary: the Gateway API Gateway whose router splits the traffic by exact weights (an HTTPRoute `<app>`, in place of the Ingress); unset: the share is the replica ratio. Namespace default: the app's.",
        },
      ),
    ),
  },
  { ...closed, description: 'How a release replaces the one before; unset: Recreate with a ReadWriteOnce volume, else Rolling.' },
);

// ---- probes

const probeFields = {
  type: stringEnum(['http', 'tcp', 'exec', 'off']),
  path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048, description: 'http: the GET path.' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: "http/tcp: a port number; default the app's port." })),
  command: Type.Optional(command('exec: the command.')),
  initialDelaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  periodSeconds: Type.Optional(seconds(3600)),
  failureThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  timeoutSeconds: Type.Optional(seconds(3600)),
};

export const probeSpecSchema = Type.Object(probeFields, closed);
const probeInputSchema = Type.Object(probeFields, {
  ...closed,
  allOf: [
    { if: { properties: { type: { const: 'http' } } }, then: { required: ['path'] } },
    { if: { properties: { type: { const: 'exec' } } }, then: { required: ['command'] } },
  ],
});

const probes = (probe: typeof probeSpecSchema) =>
  Type.Object(
    { readiness: Type.Optional(probe), liveness: Type.Optional(probe) },
    { ...closed, description: 'Unset: readiness from `readinessPath` (HTTP) or a TCP connect; no liveness probe.' },
  );
export const probesSchema = probes(probeSpecSchema);
/** Probes as a request sets them: an http probe needs its path, an exec probe its command. */
export const probesInputSchema = probes(probeInputSchema);

// ---- verification

/** What verification uses when an app leaves a field out (the schema's defaults say so to API users). */
export const VERIFY_DEFAULTS = { requests: 20, maxFailedPercent: 10, timeoutSeconds: 5 } as const;

const verifyFields = {
  enabled: Type.Boolean({ description: 'Off for an app that does not speak HTTP on its port (a worker, a database).' }),
  path: Type.Optional(Type.String({ pattern: '^/', maxLength: 2048, description: 'The GET path (default `/`): a page that exercises the app, not only a health answer.' })),
  requests: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: VERIFY_DEFAULTS.requests, description: "How many requests, spread over the release's ready pods." })),
  maxFailedPercent: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 100, default: VERIFY_DEFAULTS.maxFailedPercent, description: 'More than this share answering 5xx, timing out or unreachable: the release failed.' }),
  ),
  timeoutSeconds: Type.Optional(seconds(60, 'One request without an answer this long is a failed request.')),
};
export const verifySpecSchema = Type.Object(verifyFields, {
  ...closed,
  description:
    "Real HTTP requests to the new release's pods through the API server's pod proxy once they are ready, before the release becomes current. Unset: on (unless the install turns it off), with the defaults.",
});

// ---- graceful shutdown

/** What an app's pods get when it leaves a shutdown field out (the description says so to API users). */
export const SHUTDOWN_DEFAULTS = { gracePeriodSeconds: 30, preStopSeconds: 5 } as const;

export const shutdownSchema = Type.Object(
  {
    gracePeriodSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3600, description: "The pods' terminationGracePeriodSeconds: how long Kubernetes waits after SIGTERM (and the preStop pause) before SIGKILL. Default 30." }),
    ),
    preStopSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3599,
        description: "A preStop pause (the kubelet's own `sleep` action, no shell needed) before SIGTERM, while the endpoints drop the pod: requests in flight to it still get answers. 0 turns it off; less than gracePeriodSeconds. Default 5, or 0 for a Deployment rolled with Recreate (no pod is left to take the traffic).",
      }),
    ),
  },
  { ...closed, description: "How the app's pods stop. Unset: a 5 s preStop pause (none with Recreate) and 30 s grace period." },
);

// ---- volumes

/** A volume's name and access mode when a request leaves them out (the schema's defaults say so to API users). */
export const VOLUME_DEFAULTS = { name: 'data', accessMode: 'ReadWriteOnce' } as const;

const volumeName = (options = {}) => Type.String({ pattern: '^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$', ...options });
const accessMode = (options = {}) => stringEnum(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'], options);
const volumeFields = {
  name: volumeName(),
  mountPath: Type.String({ pattern: '^/[^:]+$', maxLength: 1024 }),
  size: Type.String({ pattern: '^[0-9]+(Ki|Mi|Gi|Ti)$' }),
  accessMode: accessMode(),
  storageClass: Type.Optional(Type.String({ pattern: OBJECT_NAME })),
};
const volumeDescription = 'A PersistentVolumeClaim `<app>-<name>` mounted into the app\'s container; the name stays short enough for the claim and pod volume names.';

export const volumeSpecSchema = Type.Object(volumeFields, { ...closed, description: volumeDescription });
/** A volume as POST /apps/:app/volumes takes it: name and accessMode have defaults. */
export const volumeInputSchema = Type.Object(
  {
    ...volumeFields,
    name: Type.Optional(volumeName({ default: VOLUME_DEFAULTS.name })),
    accessMode: Type.Optional(accessMode({ default: VOLUME_DEFAULTS.accessMode })),
  },
  { ...closed, description: volumeDescription },
);

// ---- routes: Ingress hosts and paths, TLS, ingress class

const HOST_PATTERN = '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$';
/** An Ingress path: absolute, no spaces, no regex or query (Kubernetes refuses them for Prefix and Exact). */
const ROUTE_PATH_PATTERN = '^/[A-Za-z0-9._~!$&\'()*+,;=:@%/-]*$';

const routeDescription = "A host and path of the app's Ingress, to the app's Service.";

export const routeSchema = Type.Object(
  {
    host: Type.String({ pattern: HOST_PATTERN, maxLength: 253 }),
    path: Type.Optional(Type.String({ pattern: ROUTE_PATH_PATTERN, maxLength: 1024, description: 'Default `/`.' })),
    pathType: Type.Optional(stringEnum(['Prefix', 'Exact'], { description: 'Prefix (default) matches the path and everything under it, element by element; Exact only the path.' })),
  },
  { ...closed, description: routeDescription },
);

export const routeTlsSchema = Type.Object(
  {
    host: Type.String({ pattern: HOST_PATTERN, maxLength: 253 }),
    secretName: Type.Optional(Type.String({ pattern: OBJECT_NAME, description: "A kubernetes.io/tls Secret in the app's namespace; with an issuer, the Secret cert-manager writes (default `<app>-tls-<hash of the host>`)." })),
    issuer: Type.Optional(
      Type.Object(
        { kind: stringEnum(['Issuer', 'ClusterIssuer']), name: Type.String({ pattern: OBJECT_NAME }) },
        { ...closed, description: 'A cert-manager issuer: the Ingress gets its `cert-manager.io/issuer` or `cert-manager.io/cluster-issuer` annotation and cert-manager writes the Secret.' },
      ),
    ),
  },
  { ...closed, description: 'TLS for one host of the app (every path of the host): a Secret of yours, or one a cert-manager issuer makes.' },
);

export const ingressClassNameSchema = Type.String({
  pattern: OBJECT_NAME,
  maxLength: 253,
  description: "The app's IngressClass; default the install's SLIPWAY_INGRESS_CLASS, else the cluster's default class.",
});

/** A route as POST /apps/:app/routes takes it: the route, and TLS for its host when it brings one. */
export const routeInputSchema = Type.Object(
  {
    ...routeSchema.properties,
    tls: Type.Optional(Type.Object({ secretName: routeTlsSchema.properties.secretName, issuer: routeTlsSchema.properties.issuer }, { ...closed, description: "TLS for the route's host (replaces what the host had)." })),
  },
  { ...closed, description: routeDescription },
);

// ---- autoscaling

/** The requests a container gets when it autoscales on a resource and sets none: utilization is a share of the request. */
export const AUTOSCALE_DEFAULT_REQUESTS = { cpu: '100m', memory: '128Mi' } as const;

export const autoscaleSchema = Type.Object(
  {
    minReplicas: Type.Integer({ minimum: 1, maximum: 1000 }),
    maxReplicas: Type.Integer({ minimum: 1, maximum: 1000, description: 'At least minReplicas.' }),
    cpuPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Target average CPU use, in percent of the CPU request.' })),
    memoryPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Target average memory use, in percent of the memory request.' })),
    scaleDownDelaySeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3600, description: "The HPA's scale-down stabilization window: how long usage must stay low before pods are removed. Default Kubernetes' 300." }),
    ),
  },
  {
    ...closed,
    description:
      "A HorizontalPodAutoscaler (autoscaling/v2) on the app's workload: it owns the replica count while set (`scale` is refused), and it is the app's, kept across releases and rollbacks. At least one target. A container without requests for a target resource gets 100m CPU / 128Mi memory.",
  },
);

// ---- the deploy config

/** What a request may set; the record adds volumes, the template's pod spec and the secret ref. */
const settableFields = {
  namespace: Type.String({ pattern: NAMESPACE_PATTERN }),
  kind: stringEnum(['Deployment', 'StatefulSet']),
  replicas: Type.Integer({ minimum: 0, maximum: 1000 }),
  autoDeploy: Type.Boolean({ description: 'A successful build deploys itself.' }),
  env: stringMap({ propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } }),
  host: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253, description: 'Ingress host; no Ingress without one.' }),
  routes: Type.Array(routeSchema, { maxItems: 100, description: 'More Ingress hosts and paths, beside `host` (which is served at `/`).' }),
  tls: Type.Array(routeTlsSchema, { maxItems: 100, description: 'TLS per routed host.' }),
  ingressClassName: ingressClassNameSchema,
  readinessPath: Type.String({ pattern: '^/', description: 'HTTP GET path of the readiness probe; without one the probe is a TCP connect to the port.' }),
  readinessDeadlineSeconds: Type.Integer({
    minimum: 5,
    maximum: 3600,
    description: "Not ready this long after the apply: the rollout failed (long before Kubernetes' 600 s).",
  }),
  maxRestarts: Type.Integer({ minimum: 1, maximum: 100, description: 'A container restarting this often during a rollout: the rollout failed.' }),
  podAnnotations: stringMap(),
  links: Type.Array(Type.String({ pattern: OBJECT_NAME }), {
    maxItems: 20,
    description: "Secrets (in the app's namespace) whose keys become env vars, e.g. a linked database's.",
  }),
  service: Type.Boolean({ description: 'Render a Service for the app (off when a template brings its own).' }),
  resources: Type.Object(
    { cpu: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?m?$' })), memory: Type.Optional(Type.String({ pattern: '^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$' })) },
    closed,
  ),
};

export const deployConfigSchema = Type.Object(
  {
    namespace: settableFields.namespace,
    kind: settableFields.kind,
    replicas: settableFields.replicas,
    autoDeploy: settableFields.autoDeploy,
    env: settableFields.env,
    host: Type.Optional(settableFields.host),
    routes: Type.Optional(settableFields.routes),
    tls: Type.Optional(settableFields.tls),
    ingressClassName: Type.Optional(settableFields.ingressClassName),
    readinessPath: Type.Optional(settableFields.readinessPath),
    readinessDeadlineSeconds: settableFields.readinessDeadlineSeconds,
    maxRestarts: settableFields.maxRestarts,
    podAnnotations: settableFields.podAnnotations,
    resources: Type.Optional(settableFields.resources),
    links: settableFields.links,
    service: settableFields.service,
    podTemplate: Type.Optional(
      Type.Object(
        {
          container: Type.String(),
          labels: stringMap(),
          // A raw Kubernetes pod spec from the template: Slipway keeps every field of it.
          spec: opaqueObject(),
        },
        { ...closed, description: "A pod spec brought by a template (its Deployment or DeploymentConfig): used as is, with the release's image put into `container`." },
      ),
    ),
    hooks: Type.Optional(hooksSchema),
    strategy: Type.Optional(strategySchema),
    volumes: Type.Optional(Type.Array(volumeSpecSchema, { description: "PersistentVolumeClaims `<app>-<name>` mounted into the app's container." })),
    probes: Type.Optional(probesSchema),
    verify: Type.Optional(verifySpecSchema),
    shutdown: Type.Optional(shutdownSchema),
    autoscale: Type.Optional(autoscaleSchema),
    secret: Type.Optional(
      Type.Object(
        { version: Type.String(), keys: Type.Array(Type.String()) },
        {
          ...closed,
          description:
            "The app's secret env: only which version and which keys. Values live in Redis apart from every record the API returns, and in the immutable Secret `<app>-secret-<version>`.",
        },
      ),
    ),
    // issue 19: config files (a ConfigMap) and secret files (a Secret) mounted into the container (file-mounts.ts).
    files: Type.Optional(fileSetSchema),
    secretFiles: Type.Optional(fileSetSchema),
  },
  { ...closed, description: 'How an app runs on Kubernetes. Every release keeps a copy, so a rollback restores it too.' },
);

/** A (partial) deploy config as a request sends it, on create and on change. */
export const deployConfigPatchSchema = Type.Partial(
  Type.Object({
    namespace: settableFields.namespace,
    kind: settableFields.kind,
    replicas: settableFields.replicas,
    autoDeploy: settableFields.autoDeploy,
    env: settableFields.env,
    host: settableFields.host,
    routes: settableFields.routes,
    tls: settableFields.tls,
    ingressClassName: settableFields.ingressClassName,
    readinessPath: settableFields.readinessPath,
    readinessDeadlineSeconds: settableFields.readinessDeadlineSeconds,
    maxRestarts: settableFields.maxRestarts,
    podAnnotations: settableFields.podAnnotations,
    links: settableFields.links,
    service: settableFields.service,
    hooks: hooksInputSchema,
    strategy: strategySchema,
    probes: probesInputSchema,
    verify: verifySpecSchema,
    shutdown: shutdownSchema,
    autoscale: autoscaleSchema,
    resources: settableFields.resources,
  }),
  closed,
);
