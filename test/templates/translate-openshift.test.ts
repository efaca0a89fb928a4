import { DEFAULT_OPENSHIFT_IMAGES } from '../../src/templates/openshift-streams.js';
import { translateOpenShift, UNRESOLVED_IMAGE, type Translation } from '../../src/templates/translate-openshift.js';

// Inputs are shaped like the objects of real OpenShift templates after `oc process`: the
// nodejs-postgresql-example quickstart (openshift/nodejs-ex, nodeshift-starters), with its
// parameters substituted and the template's labels added to every object.

type Obj = Record<string, any>;

const NAME = 'nodejs-postgresql-example';
const DB = 'postgresql';
const REPO = 'https://github.com/nodeshift-starters/nodejs-rest-http-crud.git';
const GITHUB_SECRET = 'Kc3qT9wZx1V0bB7nR2mL5pY8sD4fG6hJ0kA1eU3i';
const GENERIC_SECRET = 'p0O9i8U7y6T5r4E3w2Q1a2S3d4F5g6H7j8K9l0Zx';
const TEMPLATE_LABELS = { template: NAME, app: NAME };
const HOST = 'crud.apps.example.com';

const secretKeyRef = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: NAME, key } } });
const dbEnv = [
  secretKeyRef('POSTGRESQL_USER', 'database-user'),
  secretKeyRef('POSTGRESQL_PASSWORD', 'database-password'),
  { name: 'POSTGRESQL_DATABASE', value: 'my_data' },
  secretKeyRef('POSTGRESQL_ADMIN_PASSWORD', 'database-admin-password'),
];

function nodejsPostgresqlExample(params: { host?: string } = {}): Obj[] {
  return [
    { kind: 'Secret', apiVersion: 'v1', metadata: { name: NAME, labels: TEMPLATE_LABELS }, stringData: { 'database-user': 'userQ7Z', 'database-password': 'Xr8vLq2mN5bT1wYz', 'database-admin-password': 'Pz3kW9sD2fH7jL1q' } },
    {
      kind: 'Service', apiVersion: 'v1',
      metadata: { name: NAME, labels: TEMPLATE_LABELS, annotations: { description: 'Exposes and load balances the application pods', 'service.alpha.openshift.io/dependencies': `[{"name": "${DB}", "kind": "Service"}]` } },
      spec: { ports: [{ name: 'web', port: 8080, targetPort: 8080 }], selector: { name: NAME } },
    },
    {
      kind: 'Route', apiVersion: 'route.openshift.io/v1',
      metadata: { name: NAME, labels: TEMPLATE_LABELS, annotations: { 'template.openshift.io/expose-uri': 'http://{.spec.host}{.spec.path}' } },
      spec: { host: params.host ?? '', to: { kind: 'Service', name: NAME } },
    },
    { kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { name: NAME, labels: TEMPLATE_LABELS, annotations: { description: 'Keeps track of changes in the application image' } } },
    {
      kind: 'BuildConfig', apiVersion: 'build.openshift.io/v1',
      metadata: { name: NAME, labels: TEMPLATE_LABELS, annotations: { description: 'Defines how to build the application', 'template.alpha.openshift.io/wait-for-ready': 'true' } },
      spec: {
        source: { type: 'Git', git: { uri: REPO, ref: '' }, contextDir: '' },
        strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', namespace: 'openshift', name: 'nodejs:22-ubi9' }, env: [{ name: 'NPM_MIRROR', value: '' }] } },
        output: { to: { kind: 'ImageStreamTag', name: `${NAME}:latest` } },
        triggers: [
          { type: 'ImageChange' },
          { type: 'ConfigChange' },
          { type: 'GitHub', github: { secret: GITHUB_SECRET } },
          { type: 'Generic', generic: { secret: GENERIC_SECRET } },
        ],
        postCommit: { script: 'npm test' },
      },
    },
    {
      kind: 'DeploymentConfig', apiVersion: 'apps.openshift.io/v1',
      metadata: { name: NAME, labels: { ...TEMPLATE_LABELS, 'app.openshift.io/runtime': 'nodejs' }, annotations: { description: 'Defines how to deploy the application server', 'template.alpha.openshift.io/wait-for-ready': 'true' } },
      spec: {
        strategy: { type: 'Recreate' },
        triggers: [
          { type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: [NAME], from: { kind: 'ImageStreamTag', name: `${NAME}:latest` } } },
          { type: 'ConfigChange' },
        ],
        replicas: 1,
        selector: { name: NAME },
        template: {
          metadata: { name: NAME, labels: { name: NAME, 'app.openshift.io/runtime': 'nodejs' } },
          spec: {
            containers: [{
              name: NAME, image: ' ', ports: [{ containerPort: 8080 }],
              env: [{ name: 'DATABASE_SERVICE_NAME', value: DB }, ...dbEnv],
              readinessProbe: { timeoutSeconds: 3, initialDelaySeconds: 3, httpGet: { path: '/', port: 8080 } },
              livenessProbe: { timeoutSeconds: 3, initialDelaySeconds: 30, httpGet: { path: '/', port: 8080 } },
              resources: { limits: { memory: '256Mi' } },
            }],
          },
        },
      },
    },
    { kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: { name: DB, labels: TEMPLATE_LABELS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    {
      kind: 'Service', apiVersion: 'v1', metadata: { name: DB, labels: TEMPLATE_LABELS, annotations: { description: 'Exposes the database server' } },
      spec: { ports: [{ name: 'postgresql', port: 5432, targetPort: 5432 }], selector: { name: DB } },
    },
    {
      kind: 'DeploymentConfig', apiVersion: 'apps.openshift.io/v1',
      metadata: { name: DB, labels: TEMPLATE_LABELS, annotations: { description: 'Defines how to deploy the database', 'template.alpha.openshift.io/wait-for-ready': 'true' } },
      spec: {
        strategy: { type: 'Recreate' },
        triggers: [
          { type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['postgresql'], from: { kind: 'ImageStreamTag', namespace: 'openshift', name: 'postgresql:12-el8' } } },
          { type: 'ConfigChange' },
        ],
        replicas: 1,
        selector: { name: DB },
        template: {
          metadata: { name: DB, labels: { name: DB } },
          spec: {
            containers: [{
              name: 'postgresql', image: ' ', ports: [{ containerPort: 5432 }], env: dbEnv,
              livenessProbe: { timeoutSeconds: 1, initialDelaySeconds: 30, tcpSocket: { port: 5432 } },
              resources: { limits: { memory: '256Mi' } },
              volumeMounts: [{ name: `${DB}-data`, mountPath: '/var/lib/pgsql/data' }],
            }],
            volumes: [{ name: `${DB}-data`, persistentVolumeClaim: { claimName: DB } }],
          },
        },
      },
    },
  ];
}

// ---- helpers

const find = (t: Translation, kind: string, name: string): Obj | undefined => t.objects.find((o: Obj) => o.kind === kind && o.metadata?.name === name);
const kindsAndNames = (t: Translation) => t.objects.map((o: Obj) => `${o.kind}/${o.metadata.name}`);
const containerOf = (workload: Obj | undefined, name: string): Obj | undefined => {
  const spec = workload?.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload?.spec.template.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((c: Obj) => c.name === name);
};
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
function flattened(objects: Obj[]): Obj[] {
  return objects.flatMap((o) => (o.kind === 'List' ? flattened(o.items) : o.kind === 'Template' && Array.isArray(o.objects) ? flattened(o.objects) : [o]));
}
/** Every input object is applied (as itself or its translation), consumed into an app / image resolution, or reported. */
function expectNothingDropped(input: Obj[], t: Translation): void {
  const translatedKind: Record<string, string> = { DeploymentConfig: 'Deployment', Route: 'Ingress' };
  for (const o of flattened(input)) {
    const kind = String(o.kind);
    const name = String(o.metadata?.name ?? '(no name)');
    const applied = find(t, translatedKind[kind] ?? kind, name) !== undefined;
    const consumed = kind === 'ImageStream' || (kind === 'BuildConfig' && t.apps.some((a) => a.name === String(o.spec.output.to.name).split(':')[0]));
    const reported = t.unsupported.some((u) => u.kind === (o.kind ?? '(no kind)') && u.name === name);
    expect({ object: `${kind}/${name}`, accountedFor: applied || consumed || reported }).toEqual({ object: `${kind}/${name}`, accountedFor: true });
  }
}
function deployment(params: { name?: string; kind?: string; annotations?: Record<string, string>; containers: Obj[]; initContainers?: Obj[] }): Obj {
  const { name = 'web', kind = 'Deployment', annotations, containers, initContainers } = params;
  const podTemplate = { metadata: { labels: { app: name } }, spec: { containers, ...(initContainers && { initContainers }) } };
  const spec = kind === 'CronJob' ? { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate } } } : { selector: { matchLabels: { app: name } }, template: podTemplate };
  const apiVersion = kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return { apiVersion, kind, metadata: { name, ...(annotations && { annotations }) }, spec };
}
function buildConfig(params: { name?: string; output?: Obj; spec?: Obj; apiVersion?: string; annotations?: Record<string, string> } = {}): Obj {
  const { name = 'frontend', output = { to: { kind: 'ImageStreamTag', name: `${name}:latest` } }, spec = {}, apiVersion = 'build.openshift.io/v1', annotations } = params;
  return {
    kind: 'BuildConfig', apiVersion, metadata: { name, ...(annotations && { annotations }) },
    spec: { source: { type: 'Git', git: { uri: 'https://github.com/acme/frontend.git' } }, strategy: { type: 'Docker', dockerStrategy: {} }, output, ...spec },
  };
}
function deploymentConfig(params: { name?: string; spec?: Obj; apiVersion?: string; metadata?: Obj } = {}): Obj {
  const { name = 'api', spec = {}, apiVersion = 'apps.openshift.io/v1', metadata = {} } = params;
  return {
    kind: 'DeploymentConfig', apiVersion, metadata: { name, ...metadata },
    spec: { replicas: 2, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'quay.io/acme/api:1.0' }] } }, ...spec },
  };
}
const route = (spec: Obj, name = 'web'): Obj => ({ kind: 'Route', apiVersion: 'route.openshift.io/v1', metadata: { name }, spec: { host: 'web.example.com', to: { kind: 'Service', name: 'web' }, ...spec } });
const service = (ports: Obj[], name = 'web'): Obj => ({ kind: 'Service', apiVersion: 'v1', metadata: { name }, spec: { selector: { app: name }, ports } });

// ---- the quickstart, end to end

describe('translateOpenShift: nodejs-postgresql-example', () => {
  const input = deepFreeze(nodejsPostgresqlExample({ host: HOST }));
  const before = JSON.stringify(input);
  const t = translateOpenShift(input);

  test('never mutates its input (deep-frozen, and byte-identical after)', () => {
    expect(JSON.stringify(input)).toBe(before);
  });

  test('applies Secrets, PVCs, Services, workloads and Ingresses in that order, without ImageStream/BuildConfig', () => {
    expect(kindsAndNames(t)).toEqual([
      `Secret/${NAME}`, `PersistentVolumeClaim/${DB}`, `Service/${NAME}`, `Service/${DB}`, `Deployment/${NAME}`, `Deployment/${DB}`, `Ingress/${NAME}`,
    ]);
    expect(find(t, 'Secret', NAME)).toEqual(input[0]);
    expect(find(t, 'Service', DB)).toEqual(input[7]);
  });

  test('BuildConfig → a Source app with its builder, env, GitHub webhook secret and post-commit script', () => {
    expect(t.apps).toEqual([
      { name: NAME, repo: REPO, strategy: 'source', builderImage: 'nodejs:22-ubi9', builder: 'nodejs:22', buildEnv: { NPM_MIRROR: '' }, webhookSecret: GITHUB_SECRET, postCommit: { script: 'npm test' } },
    ]);
    expect(t.notes).toEqual(expect.arrayContaining([
      expect.stringContaining('2 different webhook secrets'),
      `BuildConfig/${NAME}: builder ImageStreamTag openshift/nodejs:22-ubi9 → Slipway builder nodejs:22`,
      expect.stringContaining(`BuildConfig/${NAME}: ConfigChange trigger`),
    ]));
  });

  test('DeploymentConfig → Deployment: metadata kept, selector as matchLabels, Recreate, replicas, image bound to the app', () => {
    const dc = input[5] as Obj;
    const expectedTemplate = structuredClone(dc.spec.template);
    expectedTemplate.spec.containers[0].image = UNRESOLVED_IMAGE;
    expect(find(t, 'Deployment', NAME)).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: dc.metadata,
      spec: { selector: { matchLabels: { name: NAME } }, template: expectedTemplate, strategy: { type: 'Recreate' }, replicas: 1 },
    });
    expect(t.imageBindings).toEqual([{ kind: 'Deployment', name: NAME, container: NAME, app: NAME }]);
    expect(t.notes).toEqual(expect.arrayContaining([
      `DeploymentConfig/${NAME}: ConfigChange trigger is implicit: a Deployment rolls out whenever its pod template changes`,
      `DeploymentConfig/${NAME}: container ${NAME}: ImageChange trigger on ${NAME}:latest → the latest build of app ${NAME}`,
    ]));
  });

  test('the database image from the openshift namespace: the image-stream map\'s, with the version it deploys instead of 12 said', () => {
    expect(t.unsupported).toEqual([]);
    expect(containerOf(find(t, 'Deployment', DB), DB)?.image).toBe(DEFAULT_OPENSHIFT_IMAGES.postgresql!.image);
    expect(t.notes).toEqual(expect.arrayContaining([
      `DeploymentConfig/${DB}: container ${DB}: ImageChange trigger on postgresql:12-el8 → ${DEFAULT_OPENSHIFT_IMAGES.postgresql!.image}`,
      expect.stringContaining('postgresql:12-el8 asks for version 12; deploying quay.io/sclorg/postgresql-15-c9s (version 15)'),
    ]));
    expect(find(t, 'Deployment', DB)?.spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(t, 'Deployment', DB)?.spec.template.spec.volumes).toEqual([{ name: `${DB}-data`, persistentVolumeClaim: { claimName: DB } }]);
  });

  test('Route → Ingress on the host, path /, the Service port', () => {
    expect(find(t, 'Ingress', NAME)).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: input[2]!.metadata,
      spec: { rules: [{ host: HOST, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: NAME, port: { number: 8080 } } } }] } }] },
    });
  });

  test('wait-for-ready: the app build and both translated Deployments', () => {
    expect(t.waitForReady).toEqual([{ kind: 'App', name: NAME }, { kind: 'Deployment', name: NAME }, { kind: 'Deployment', name: DB }]);
  });

  test('nothing dropped silently', () => {
    expectNothingDropped(input, t);
  });

  test('with the default empty APPLICATION_DOMAIN: the router\'s host from SLIPWAY_APPS_DOMAIN, or a host-less Ingress and a warning without it', () => {
    const named = translateOpenShift(nodejsPostgresqlExample(), { appsDomain: 'apps.example.test', namespace: 'shop' });
    expect(find(named, 'Ingress', NAME)?.spec.rules[0].host).toBe(`${NAME}-shop.apps.example.test`);
    expect(named.notes).toContainEqual(expect.stringContaining(`Route/${NAME}: no spec.host: ${NAME}-shop.apps.example.test`));
    const withoutHost = translateOpenShift(nodejsPostgresqlExample());
    expect(find(withoutHost, 'Ingress', NAME)?.spec.rules).toEqual([{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: NAME, port: { number: 8080 } } } }] } }]);
    expect(withoutHost.notes).toContainEqual(expect.stringContaining(`Route/${NAME}: warning: no spec.host and SLIPWAY_APPS_DOMAIN is not set`));
    expect(withoutHost.unsupported).toEqual([]);
    expectNothingDropped(nodejsPostgresqlExample(), withoutHost);
  });
});

// ---- API versions, lists, kinds

describe('translateOpenShift: recognising objects', () => {
  test.each([
    ['legacy v1', 'v1', 'v1', 'v1', 'v1'],
    ['API groups', 'apps.openshift.io/v1', 'route.openshift.io/v1', 'build.openshift.io/v1', 'image.openshift.io/v1'],
  ])('OpenShift kinds in %s form', (_form, dcVersion, routeVersion, bcVersion, isVersion) => {
    const t = translateOpenShift([
      { kind: 'ImageStream', apiVersion: isVersion, metadata: { name: 'frontend' } },
      buildConfig({ apiVersion: bcVersion }),
      deploymentConfig({ name: 'web', apiVersion: dcVersion, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'frontend:latest' }] } } } }),
      service([{ name: 'http', port: 80, targetPort: 8080 }]),
      { ...route({}), apiVersion: routeVersion },
    ]);
    expect(t.unsupported).toEqual([]);
    expect(kindsAndNames(t)).toEqual(['Service/web', 'Deployment/web', 'Ingress/web']);
    expect(t.apps.map((a) => a.name)).toEqual(['frontend']);
    expect(t.imageBindings).toEqual([{ kind: 'Deployment', name: 'web', container: 'web', app: 'frontend' }]);
  });

  test.each(['v1', 'template.openshift.io/v1'])('List items and a nested Template (%s) are flattened', (templateVersion) => {
    const input = [
      { kind: 'List', apiVersion: 'v1', items: [
        { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'settings' }, data: { LOG_LEVEL: 'info' } },
        { kind: 'List', apiVersion: 'v1', items: [{ kind: 'Secret', apiVersion: 'v1', metadata: { name: 'creds' }, stringData: { token: 'x' } }] },
      ] },
      { kind: 'Template', apiVersion: templateVersion, metadata: { name: 'inner' }, parameters: [], objects: [service([{ port: 80 }])] },
    ];
    const t = translateOpenShift(input);
    expect(kindsAndNames(t)).toEqual(['Secret/creds', 'ConfigMap/settings', 'Service/web']);
    expect(t.notes).toContainEqual(expect.stringContaining('Template/inner: its objects are taken as they are'));
    expect(t.unsupported).toEqual([]);
    expectNothingDropped(input, t);
  });

  const passThrough: Obj[] = [
    { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'runner' } },
    { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, type: 'Opaque', data: { a: 'Yg==' } },
    { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { a: 'b' } },
    { kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    { kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'runner' }] },
    service([{ port: 80 }], 'svc'),
    deployment({ name: 'd', containers: [{ name: 'd', image: 'nginx:1.27' }] }),
    deployment({ name: 'ss', kind: 'StatefulSet', containers: [{ name: 'ss', image: 'redis:7' }] }),
    deployment({ name: 'j', kind: 'Job', containers: [{ name: 'j', image: 'busybox:1.36' }] }),
    deployment({ name: 'cj', kind: 'CronJob', containers: [{ name: 'cj', image: 'busybox:1.36' }] }),
    { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'i' }, spec: { rules: [{ host: 'i.example.com' }] } },
  ];
  test.each(passThrough.map((o) => [o.kind, o]))('%s passes through unchanged', (_kind, object) => {
    const t = translateOpenShift([object]);
    expect(t.objects).toEqual([object]);
    expect(t.unsupported).toEqual([]);
  });

  test('pass-through objects are applied in dependency order', () => {
    const t = translateOpenShift([...passThrough].reverse());
    expect(t.objects.map((o) => o.kind)).toEqual(passThrough.map((o) => o.kind));
  });

  test.each([
    ['DaemonSet', 'apps/v1', 'runs a pod on every node'],
    ['ClusterRole', 'rbac.authorization.k8s.io/v1', 'cluster-scoped'],
    ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'cluster-scoped'],
    ['PersistentVolume', 'v1', 'cluster-scoped: storage comes from a PersistentVolumeClaim'],
    ['Namespace', 'v1', 'cluster-scoped'],
    ['ProjectRequest', 'project.openshift.io/v1', 'kind ProjectRequest is not supported'],
    ['SecurityContextConstraints', 'security.openshift.io/v1', 'kind SecurityContextConstraints is not supported'],
    ['KafkaTopic', 'kafka.strimzi.io/v1beta2', 'kind KafkaTopic is not supported'],
    ['Ingress', 'extensions/v1beta1', 'Ingress extensions/v1beta1 is not served by current Kubernetes'],
    ['Deployment', 'apps/v1beta1', 'use apps/v1'],
    ['RoleBinding', 'v1', "(or is OpenShift's legacy API); use rbac.authorization.k8s.io/v1"],
    ['DeploymentConfig', 'apps/v1', 'kind DeploymentConfig apps/v1 is not supported'],
  ])('%s (%s) is reported, not applied', (kind, apiVersion, reason) => {
    const t = translateOpenShift([{ kind, apiVersion, metadata: { name: 'x' }, spec: {} }]);
    expect(t.objects).toEqual([]);
    expect(t.unsupported).toEqual([{ kind, name: 'x', reason: expect.stringContaining(reason) }]);
  });

  test.each([
    ['no kind', { apiVersion: 'v1', metadata: { name: 'x' } }, { kind: '(no kind)', name: 'x' }],
    ['no name', { kind: 'ConfigMap', apiVersion: 'v1', metadata: {} }, { kind: 'ConfigMap', name: '(no name)' }],
    ['a Template without objects', { kind: 'Template', apiVersion: 'template.openshift.io/v1', metadata: { name: 'x' } }, { kind: 'Template', name: 'x' }],
  ])('%s is reported', (_name, object, who) => {
    const t = translateOpenShift([object]);
    expect(t.objects).toEqual([]);
    expect(t.unsupported).toEqual([{ ...who, reason: expect.any(String) }]);
  });

  test('a mixed bag: every object is applied, consumed or reported', () => {
    const input = [
      ...nodejsPostgresqlExample(),
      ...passThrough,
      { kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { name: 'agent' }, spec: {} },
      { kind: 'ProjectRequest', apiVersion: 'project.openshift.io/v1', metadata: { name: 'shop' } },
      { ...route({ tls: { termination: 'passthrough' } }), metadata: { name: 'tls-through' } },
      buildConfig({ name: 'uploaded', spec: { source: { type: 'Binary', binary: {} } } }),
      { kind: 'List', apiVersion: 'v1', items: [{ kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'god' } }] },
    ];
    const t = translateOpenShift(input);
    expectNothingDropped(input, t);
    expect(t.unsupported.map((u) => `${u.kind}/${u.name}`).sort()).toEqual([
      'BuildConfig/uploaded', 'ClusterRole/god', 'DaemonSet/agent', 'ProjectRequest/shop', 'Route/tls-through',
    ]);
  });

  test('metadata.namespace is dropped with a note', () => {
    const t = translateOpenShift([{ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'old-project' }, data: {} }]);
    expect(t.objects).toEqual([{ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: {} }]);
    expect(t.notes).toEqual([expect.stringContaining('metadata.namespace "old-project" dropped')]);
  });
});

// ---- DeploymentConfig

describe('translateOpenShift: DeploymentConfig', () => {
  const hook = (command: string[]) => ({ failurePolicy: 'Abort', execNewPod: { containerName: 'api', command } });
  test.each([
    ['Recreate with pre and mid hooks', { type: 'Recreate', recreateParams: { timeoutSeconds: 600, pre: hook(['./migrate']), mid: hook(['./seed']) } }, { type: 'Recreate' }, ['Recreate pre lifecycle hook (["./migrate"])', 'Recreate mid lifecycle hook (["./seed"])']],
    ['Rolling with params and a post hook', { type: 'Rolling', rollingParams: { updatePeriodSeconds: 1, intervalSeconds: 1, timeoutSeconds: 600, maxSurge: '25%', maxUnavailable: 0, post: hook(['./notify']) } }, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } }, ['Rolling post lifecycle hook']],
    ['Rolling without params', { type: 'Rolling' }, { type: 'RollingUpdate' }, []],
    ['no strategy (OpenShift defaults to Rolling)', undefined, { type: 'RollingUpdate' }, []],
  ])('strategy: %s', (_name, strategy, expected, hookNotes) => {
    const t = translateOpenShift([deploymentConfig({ spec: strategy ? { strategy } : {} })]);
    expect(find(t, 'Deployment', 'api')?.spec.strategy).toEqual(expected);
    for (const note of hookNotes) expect(t.notes).toContainEqual(expect.stringContaining(note));
    expect(t.notes.filter((n) => n.includes('hook'))).toHaveLength(hookNotes.length);
    expect(t.unsupported).toEqual([]);
  });

  test('Custom strategy: reported, and the Deployment uses RollingUpdate with a note', () => {
    const t = translateOpenShift([deploymentConfig({ spec: { strategy: { type: 'Custom', customParams: { image: 'acme/deployer' } } } })]);
    expect(find(t, 'Deployment', 'api')?.spec.strategy).toEqual({ type: 'RollingUpdate' });
    expect(t.unsupported).toEqual([{ kind: 'DeploymentConfig', name: 'api', reason: 'deployment strategy Custom is not supported' }]);
    expect(t.notes).toContainEqual('DeploymentConfig/api: Custom strategy replaced by RollingUpdate');
  });

  test('keeps metadata and the pod template; copies replicas, minReadySeconds, revisionHistoryLimit, paused', () => {
    const metadata = { labels: { app: 'api', tier: 'backend' }, annotations: { 'openshift.io/generated-by': 'OpenShiftNewApp' } };
    const dc = deploymentConfig({ metadata, spec: { minReadySeconds: 5, revisionHistoryLimit: 3, paused: true } });
    const t = translateOpenShift([dc]);
    expect(find(t, 'Deployment', 'api')).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', ...metadata },
      spec: { selector: { matchLabels: { app: 'api' } }, template: dc.spec.template, strategy: { type: 'RollingUpdate' }, replicas: 2, minReadySeconds: 5, revisionHistoryLimit: 3, paused: true },
    });
  });

  test('without a selector, the pod template labels select (as OpenShift defaults it)', () => {
    const t = translateOpenShift([deploymentConfig({ spec: { selector: undefined } })]);
    expect(find(t, 'Deployment', 'api')?.spec.selector).toEqual({ matchLabels: { app: 'api' } });
  });

  test('ImageChange trigger: binds the named containers only; automatic: false is noted', () => {
    const t = translateOpenShift([
      buildConfig({ name: 'api' }),
      deploymentConfig({ spec: {
        template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: ' ' }, { name: 'proxy', image: 'quay.io/acme/proxy:2' }] } },
        triggers: [{ type: 'ImageChange', imageChangeParams: { automatic: false, containerNames: ['api'], from: { kind: 'ImageStreamTag', name: 'api:latest' } } }],
      } }),
    ]);
    expect(t.imageBindings).toEqual([{ kind: 'Deployment', name: 'api', container: 'api', app: 'api' }]);
    const d = find(t, 'Deployment', 'api');
    expect(containerOf(d, 'api')?.image).toBe(UNRESOLVED_IMAGE);
    expect(containerOf(d, 'proxy')?.image).toBe('quay.io/acme/proxy:2');
    expect(t.notes).toContainEqual(expect.stringContaining('automatic: false'));
    expect(t.unsupported).toEqual([]);
  });

  test.each([
    ['ImageChange without containerNames', [{ type: 'ImageChange', imageChangeParams: { from: { kind: 'ImageStreamTag', name: 'api:latest' } } }], 'ImageChange trigger without containerNames'],
    ['ImageChange naming a missing container', [{ type: 'ImageChange', imageChangeParams: { containerNames: ['nope'], from: { kind: 'ImageStreamTag', name: 'api:latest' } } }], 'targets container nope'],
    ['ImageChange from a DockerImage', [{ type: 'ImageChange', imageChangeParams: { containerNames: ['api'], from: { kind: 'DockerImage', name: 'quay.io/acme/api:2' } } }], 'from DockerImage is not supported'],
    ['an unknown trigger type', [{ type: 'Webhook' }], 'trigger type Webhook is not supported'],
  ])('%s is reported', (_name, triggers, reason) => {
    const t = translateOpenShift([buildConfig({ name: 'api' }), deploymentConfig({ spec: { triggers } })]);
    expect(find(t, 'Deployment', 'api')).toBeDefined();
    expect(t.unsupported).toContainEqual({ kind: 'DeploymentConfig', name: 'api', reason: expect.stringContaining(reason) });
    expect(t.imageBindings).toEqual([]);
  });

  test('a DeploymentConfig without a pod template is reported, not applied', () => {
    const t = translateOpenShift([deploymentConfig({ spec: { template: undefined } })]);
    expect(t.objects).toEqual([]);
    expect(t.unsupported).toEqual([{ kind: 'DeploymentConfig', name: 'api', reason: expect.stringContaining('without spec.template') }]);
  });
});

// ---- image triggers and ImageStream references on Kubernetes workloads

describe('translateOpenShift: container images', () => {
  const frontend = [{ kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { name: 'frontend' } }, buildConfig()];
  const triggered = (fieldPath: string, extra: Obj = {}): Record<string, string> => ({
    'image.openshift.io/triggers': JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'frontend:latest' }, fieldPath, ...extra }]),
  });
  const workload = (annotations: Record<string, string>) =>
    deployment({ annotations, containers: [{ name: 'web', image: 'quay.io/acme/placeholder:0' }, { name: 'sidecar', image: 'quay.io/acme/sidecar:1' }], initContainers: [{ name: 'migrate', image: 'quay.io/acme/migrate:1' }] });

  test.each([
    ['name filter, double quotes (OpenShift 3.7+)', 'spec.template.spec.containers[?(@.name=="web")].image', 'web'],
    ['name filter, single quotes (older OpenShift)', "spec.template.spec.containers[?(@.name='web')].image", 'web'],
    ['index', 'spec.template.spec.containers[0].image', 'web'],
    ['second index', 'spec.template.spec.containers[1].image', 'sidecar'],
    ['init container index', 'spec.template.spec.initContainers[0].image', 'migrate'],
    ['init container by name', 'spec.template.spec.containers[?(@.name=="migrate")].image', 'migrate'],
  ])('image.openshift.io/triggers fieldPath: %s', (_name, fieldPath, container) => {
    const t = translateOpenShift([...frontend, workload(triggered(fieldPath))]);
    expect(t.imageBindings).toEqual([{ kind: 'Deployment', name: 'web', container, app: 'frontend' }]);
    expect(containerOf(find(t, 'Deployment', 'web'), container)?.image).toBe(UNRESOLVED_IMAGE);
    expect(t.unsupported).toEqual([]);
  });

  test.each([
    ['not an image field', 'spec.template.spec.containers[?(@.name=="web")].env', 'is not a container image'],
    ['a Pod path on a Deployment', 'spec.containers[0].image', 'is not a container image'],
    ['an unknown selector', 'spec.template.spec.containers[?(@.image=="x")].image', 'is not a container image'],
    ['an index past the end', 'spec.template.spec.containers[5].image', 'targets container #5'],
    ['a missing name', 'spec.template.spec.containers[?(@.name=="nope")].image', 'targets container nope'],
  ])('image.openshift.io/triggers fieldPath: %s is reported', (_name, fieldPath, reason) => {
    const t = translateOpenShift([...frontend, workload(triggered(fieldPath))]);
    expect(t.imageBindings).toEqual([]);
    expect(t.unsupported).toEqual([{ kind: 'Deployment', name: 'web', reason: expect.stringContaining(reason) }]);
    expect(find(t, 'Deployment', 'web')).toBeDefined();
  });

  test('a trigger annotation that is not JSON is reported', () => {
    const t = translateOpenShift([...frontend, workload({ 'image.openshift.io/triggers': '[{from: frontend' })]);
    expect(t.unsupported).toEqual([{ kind: 'Deployment', name: 'web', reason: expect.stringContaining('not a JSON array') }]);
  });

  test('a paused trigger is not bound, and says so', () => {
    const t = translateOpenShift([...frontend, workload(triggered('spec.template.spec.containers[0].image', { paused: true }))]);
    expect(t.imageBindings).toEqual([]);
    expect(t.notes).toContainEqual(expect.stringContaining('paused trigger'));
  });

  test.each([
    ['StatefulSet', 'spec.template.spec.containers[0].image'],
    ['Job', 'spec.template.spec.containers[0].image'],
    ['CronJob', 'spec.jobTemplate.spec.template.spec.containers[0].image'],
  ])('%s triggers use its pod spec path', (kind, fieldPath) => {
    const t = translateOpenShift([...frontend, deployment({ kind, annotations: triggered(fieldPath), containers: [{ name: 'web', image: ' ' }] })]);
    expect(t.imageBindings).toEqual([{ kind, name: 'web', container: 'web', app: 'frontend' }]);
    expect(t.unsupported).toEqual([]);
  });

  const streams: Obj[] = [
    ...frontend,
    { kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { name: 'postgresql' }, spec: { tags: [
      { name: '12', from: { kind: 'DockerImage', name: 'quay.io/sclorg/postgresql-12-c8s' } },
      { name: 'stable', from: { kind: 'ImageStreamTag', name: '12' } },
      { name: 'loop', from: { kind: 'ImageStreamTag', name: 'postgresql:loop' } },
    ] } },
    { kind: 'ImageStream', apiVersion: 'v1', metadata: { name: 'legacy' }, spec: { dockerImageRepository: 'docker.io/centos/postgresql-96-centos7' } },
  ];
  test.each([
    ['an app ImageStreamTag', 'frontend:latest', { app: 'frontend' }],
    ['an app ImageStream without tag', 'frontend', { app: 'frontend' }],
    ['the 4.x integrated registry', 'image-registry.openshift-image-registry.svc:5000/shop/frontend:latest', { app: 'frontend' }],
    ['the 3.x integrated registry', 'docker-registry.default.svc:5000/shop/frontend', { app: 'frontend' }],
    ['a tag importing a DockerImage', 'postgresql:12', { image: 'quay.io/sclorg/postgresql-12-c8s' }],
    ['a tag aliasing another tag', 'postgresql:stable', { image: 'quay.io/sclorg/postgresql-12-c8s' }],
    ['a legacy dockerImageRepository stream', 'legacy:9.6', { image: 'docker.io/centos/postgresql-96-centos7:9.6' }],
    ['a Docker Hub image', 'redis:7', { image: 'redis:7' }],
    ['a registry image', 'quay.io/acme/worker:1', { image: 'quay.io/acme/worker:1' }],
    ['a digest', 'frontend@sha256:' + 'b'.repeat(64), { image: 'frontend@sha256:' + 'b'.repeat(64) }],
    ['a tag the app does not build', 'frontend:debug', { unsupported: 'ImageStreamTag frontend:debug, which this template neither builds nor imports' }],
    ['a tag alias loop', 'postgresql:loop', { unsupported: 'ImageStreamTag postgresql:loop' }],
    ['the openshift namespace in the integrated registry', 'image-registry.openshift-image-registry.svc:5000/openshift/nodejs:16', { image: DEFAULT_OPENSHIFT_IMAGES.nodejs!.image }],
    ['a stream of the openshift namespace the map lacks', 'image-registry.openshift-image-registry.svc:5000/openshift/jenkins:2', { unsupported: 'ImageStreamTag openshift/jenkins:2, a stream Slipway\'s image-stream map (SLIPWAY_OPENSHIFT_IMAGES) does not have' }],
    ['the trigger placeholder without a trigger', ' ', { unsupported: 'container web has no image and no trigger fills it in' }],
  ])('container image without a trigger: %s', (_name, image, expected) => {
    const t = translateOpenShift([...streams, deployment({ containers: [{ name: 'web', image }] })]);
    const container = containerOf(find(t, 'Deployment', 'web'), 'web');
    if ('app' in expected) {
      expect(t.imageBindings).toEqual([{ kind: 'Deployment', name: 'web', container: 'web', app: expected.app }]);
      expect(container?.image).toBe(UNRESOLVED_IMAGE);
    } else {
      expect(t.imageBindings).toEqual([]);
    }
    if ('image' in expected) expect(container?.image).toBe(expected.image);
    if ('unsupported' in expected) expect(t.unsupported).toEqual([{ kind: 'Deployment', name: 'web', reason: expect.stringContaining(expected.unsupported) }]);
    else expect(t.unsupported).toEqual([]);
  });
});

// ---- Route

describe('translateOpenShift: Route → Ingress', () => {
  const backendOf = (t: Translation) => find(t, 'Ingress', 'web')?.spec.rules[0].http.paths[0];
  test.each([
    ['targetPort name → that Service port', { path: '/api', port: { targetPort: 'http' } }, [service([{ name: 'http', port: 80, targetPort: 8080 }])], { path: '/api', port: { name: 'http' } }],
    ['targetPort number → the Service port targeting it', { port: { targetPort: 8080 } }, [service([{ name: 'metrics', port: 9090, targetPort: 9090 }, { name: 'http', port: 80, targetPort: 8080 }])], { path: '/', port: { number: 80 } }],
    ['targetPort number without a Service targetPort (it defaults to the port)', { port: { targetPort: 8080 } }, [service([{ port: 8080 }])], { path: '/', port: { number: 8080 } }],
    ['targetPort number naming the Service port', { port: { targetPort: 80 } }, [service([{ port: 80, targetPort: 'http' }])], { path: '/', port: { number: 80 } }],
    ['no port → the Service\'s only port', {}, [service([{ name: 'http', port: 80, targetPort: 8080 }])], { path: '/', port: { number: 80 } }],
    ['a Service outside the template: number as given', { port: { targetPort: 8080 } }, [], { path: '/', port: { number: 8080 } }],
    ['a Service outside the template: name as given', { port: { targetPort: 'web' } }, [], { path: '/', port: { name: 'web' } }],
  ])('%s', (_name, spec, services, expected) => {
    const t = translateOpenShift([...services, route(spec)]);
    expect(t.unsupported).toEqual([]);
    expect(backendOf(t)).toEqual({ path: expected.path, pathType: 'Prefix', backend: { service: { name: 'web', port: expected.port } } });
    expect(find(t, 'Ingress', 'web')?.spec.rules[0].host).toBe('web.example.com');
  });

  test('edge TLS with an inline certificate: a kubernetes.io/tls Secret <route>-tls holds it, CA chain appended', () => {
    const tls = { termination: 'edge', certificate: '-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n', key: '-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----', caCertificate: '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----', insecureEdgeTerminationPolicy: 'Redirect' };
    const t = translateOpenShift([service([{ port: 80 }]), route({ tls })]);
    expect(find(t, 'Secret', 'web-tls')).toEqual({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls' }, type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': '-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----', 'tls.key': tls.key },
    });
    expect(find(t, 'Ingress', 'web')?.spec.tls).toEqual([{ hosts: ['web.example.com'], secretName: 'web-tls' }]);
    expect(kindsAndNames(t)).toEqual(['Secret/web-tls', 'Service/web', 'Ingress/web']);
  });

  test('edge TLS without a certificate: TLS for the host, and a note that the certificate must be provided', () => {
    const t = translateOpenShift([service([{ port: 80 }]), route({ tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' } })]);
    expect(find(t, 'Ingress', 'web')?.spec.tls).toEqual([{ hosts: ['web.example.com'] }]);
    expect(t.notes).toEqual(expect.arrayContaining([expect.stringContaining("controller's default certificate"), expect.stringContaining('insecureEdgeTerminationPolicy Allow')]));
  });

  test.each([
    ['passthrough TLS', { tls: { termination: 'passthrough' } }, 'tls termination passthrough is not supported'],
    ['reencrypt TLS', { tls: { termination: 'reencrypt', destinationCACertificate: 'x' } }, 'tls termination reencrypt is not supported'],
    ['a backend that is not a Service', { to: { kind: 'Pod', name: 'web' } }, 'spec.to must name a Service'],
    ['a port name the Service lacks', { port: { targetPort: 'https' } }, 'targetPort https names no port of Service web'],
    ['a port number the Service lacks', { port: { targetPort: 8443 } }, 'targetPort 8443 is no port or targetPort of Service web'],
  ])('%s: reported, no Ingress', (_name, spec, reason) => {
    const t = translateOpenShift([service([{ name: 'http', port: 80, targetPort: 8080 }]), route(spec)]);
    expect(find(t, 'Ingress', 'web')).toBeUndefined();
    expect(t.unsupported).toEqual([{ kind: 'Route', name: 'web', reason: expect.stringContaining(reason) }]);
  });

  test('alternateBackends and wildcardPolicy are noted; the primary Service gets the traffic', () => {
    const t = translateOpenShift([service([{ port: 80 }]), route({ to: { kind: 'Service', name: 'web', weight: 90 }, alternateBackends: [{ kind: 'Service', name: 'web-canary', weight: 10 }], wildcardPolicy: 'Subdomain' })]);
    expect(backendOf(t)?.backend).toEqual({ service: { name: 'web', port: { number: 80 } } });
    expect(t.notes).toEqual(expect.arrayContaining([expect.stringContaining('alternateBackends'), expect.stringContaining('wildcardPolicy Subdomain')]));
  });
});

// ---- BuildConfig

describe('translateOpenShift: BuildConfig → app', () => {
  test('Docker strategy: ref, contextDir, dockerfilePath, env, buildArgs, GitLab secret, post-commit command', () => {
    const t = translateOpenShift([buildConfig({ spec: {
      source: { type: 'Git', git: { uri: 'https://gitlab.com/acme/shop.git', ref: 'release-2' }, contextDir: 'services/frontend', sourceSecret: { name: 'gitlab-deploy-key' } },
      strategy: { type: 'Docker', dockerStrategy: { dockerfilePath: 'docker/Dockerfile.prod', env: [{ name: 'NODE_ENV', value: 'production' }], buildArgs: [{ name: 'VERSION', value: '2.1' }], from: { kind: 'DockerImage', name: 'node:22-alpine' } } },
      triggers: [{ type: 'GitLab', gitlab: { secret: 'gl-secret' } }],
      postCommit: { command: ['npm'], args: ['run', 'test'] },
    } })]);
    expect(t.apps).toEqual([{
      name: 'frontend', repo: 'https://gitlab.com/acme/shop.git', ref: 'release-2', contextDir: 'services/frontend', strategy: 'docker',
      dockerfilePath: 'docker/Dockerfile.prod', buildEnv: { NODE_ENV: 'production' }, buildArgs: { VERSION: '2.1' }, webhookSecret: 'gl-secret', postCommit: { command: ['npm'], args: ['run', 'test'] },
    }]);
    expect(t.notes).toEqual(expect.arrayContaining([expect.stringContaining("dockerStrategy.from (node:22-alpine) would replace the Dockerfile's FROM"), expect.stringContaining('git credentials in Secret gitlab-deploy-key')]));
    expect(t.unsupported).toEqual([]);
    expect(t.objects).toEqual([]);
  });

  const hookSecret = (data: Obj): Obj => ({ kind: 'Secret', apiVersion: 'v1', metadata: { name: 'hook' }, ...data });
  test.each([
    ['a literal GitHub secret', [{ type: 'GitHub', github: { secret: 's3cret' } }], [], { webhookSecret: 's3cret' }],
    ['a Generic secretReference to a template Secret (stringData)', [{ type: 'Generic', generic: { secretReference: { name: 'hook' } } }], [hookSecret({ stringData: { WebHookSecretKey: 'from-string-data' } })], { webhookSecret: 'from-string-data' }],
    ['a GitHub secretReference to a template Secret (base64 data)', [{ type: 'GitHub', github: { secretReference: { name: 'hook' } } }], [hookSecret({ data: { WebHookSecretKey: Buffer.from('from-data').toString('base64') } })], { webhookSecret: 'from-data' }],
    ['a secretReference to a Secret outside the template', [{ type: 'GitHub', github: { secretReference: { name: 'hook' } } }], [], { webhookSecretRef: 'hook' }],
    ['GitHub preferred over Generic', [{ type: 'Generic', generic: { secret: 'generic' } }, { type: 'GitHub', github: { secret: 'github' } }], [], { webhookSecret: 'github' }],
    ['no webhook trigger', [{ type: 'ConfigChange' }], [], {}],
  ])('webhook secret: %s', (_name, triggers, secrets, expected) => {
    const t = translateOpenShift([...secrets, buildConfig({ spec: { triggers } })]);
    const app = t.apps[0]!;
    expect({ webhookSecret: app.webhookSecret, webhookSecretRef: app.webhookSecretRef }).toEqual({ webhookSecret: undefined, webhookSecretRef: undefined, ...expected });
    if ('webhookSecretRef' in expected) expect(t.notes).toContainEqual(expect.stringContaining('webhook secret is in Secret hook (key WebHookSecretKey), which is not in the template; look it up'));
  });

  test.each([
    ['binary source', { source: { type: 'Binary', binary: {} } }, 'binary source'],
    ['an inline Dockerfile', { source: { type: 'Dockerfile', dockerfile: 'FROM nginx' } }, 'inline Dockerfile'],
    ['an inline Dockerfile beside git', { source: { type: 'Git', git: { uri: 'https://github.com/acme/x.git' }, dockerfile: 'FROM nginx' } }, 'inline Dockerfile'],
    ['no git source', { source: { type: 'None' } }, 'no git source'],
    ['the Custom strategy', { strategy: { type: 'Custom', customStrategy: { from: { kind: 'DockerImage', name: 'acme/builder' } } } }, 'strategy Custom is not supported'],
    ['the JenkinsPipeline strategy', { strategy: { type: 'JenkinsPipeline', jenkinsPipelineStrategy: { jenkinsfilePath: 'Jenkinsfile' } } }, 'strategy JenkinsPipeline is not supported'],
    ['no output', { output: {} }, 'no output image'],
    ['an output name that is no DNS label', { output: { to: { kind: 'ImageStreamTag', name: 'Front_End:latest' } } }, '"Front_End" (from the output image) is not a DNS label'],
  ])('%s: reported, no app', (_name, spec, reason) => {
    const t = translateOpenShift([buildConfig({ spec })]);
    expect(t.apps).toEqual([]);
    expect(t.unsupported).toEqual([{ kind: 'BuildConfig', name: 'frontend', reason: expect.stringContaining(reason) }]);
  });

  test('env from a Secret and build inputs from images are reported; the app is still created', () => {
    const t = translateOpenShift([buildConfig({ spec: {
      source: { type: 'Git', git: { uri: 'https://github.com/acme/frontend.git' }, images: [{ from: { kind: 'ImageStreamTag', name: 'assets:latest' }, paths: [{ sourcePath: '/opt/assets', destinationDir: 'public' }] }] },
      strategy: { type: 'Source', sourceStrategy: { from: { kind: 'DockerImage', name: 'registry.access.redhat.com/ubi9/nodejs-20' }, env: [{ name: 'NPM_TOKEN', valueFrom: { secretKeyRef: { name: 'npm', key: 'token' } } }, { name: 'CI', value: 'true' }] } },
    } })]);
    expect(t.apps).toEqual([{ name: 'frontend', repo: 'https://github.com/acme/frontend.git', strategy: 'source', builderImage: 'registry.access.redhat.com/ubi9/nodejs-20', buildEnv: { CI: 'true' } }]);
    expect(t.unsupported).toEqual([
      { kind: 'BuildConfig', name: 'frontend', reason: expect.stringContaining('build env NPM_TOKEN uses valueFrom') },
      { kind: 'BuildConfig', name: 'frontend', reason: 'build inputs from source.images are not supported' },
    ]);
  });

  test("a builder from the template's own ImageStream resolves to the image it imports", () => {
    const t = translateOpenShift([
      { kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { name: 'ruby' }, spec: { tags: [{ name: '3.3', from: { kind: 'DockerImage', name: 'quay.io/fedora/ruby-33' } }] } },
      buildConfig({ spec: { strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'ruby:3.3' } } } } }),
    ]);
    expect(t.apps[0]?.builderImage).toBe('quay.io/fedora/ruby-33');
  });

  test('a DockerImage output: the app is named after the repository and containers running that image are bound', () => {
    const t = translateOpenShift([
      buildConfig({ output: { to: { kind: 'DockerImage', name: 'quay.io/acme/storefront:latest' } } }),
      deployment({ containers: [{ name: 'web', image: 'quay.io/acme/storefront:latest' }] }),
    ]);
    expect(t.apps.map((a) => a.name)).toEqual(['storefront']);
    expect(t.imageBindings).toEqual([{ kind: 'Deployment', name: 'web', container: 'web', app: 'storefront' }]);
    expect(t.notes).toContainEqual(expect.stringContaining("builds push to Slipway's registry"));
  });

  test('two BuildConfigs building the same app: the second is reported', () => {
    const t = translateOpenShift([buildConfig(), buildConfig({ name: 'frontend-debug', output: { to: { kind: 'ImageStreamTag', name: 'frontend:debug' } } })]);
    expect(t.apps.map((a) => a.name)).toEqual(['frontend']);
    expect(t.unsupported).toEqual([{ kind: 'BuildConfig', name: 'frontend-debug', reason: 'another BuildConfig already builds app frontend' }]);
  });
});

// ---- wait-for-ready

describe('translateOpenShift: wait-for-ready', () => {
  const ready = { 'template.alpha.openshift.io/wait-for-ready': 'true' };
  test.each([
    ['a Deployment', deployment({ annotations: ready, containers: [{ name: 'web', image: 'nginx:1.27' }] }), [{ kind: 'Deployment', name: 'web' }]],
    ['a StatefulSet', deployment({ kind: 'StatefulSet', annotations: ready, containers: [{ name: 'web', image: 'nginx:1.27' }] }), [{ kind: 'StatefulSet', name: 'web' }]],
    ['a Job', deployment({ kind: 'Job', annotations: ready, containers: [{ name: 'web', image: 'nginx:1.27' }] }), [{ kind: 'Job', name: 'web' }]],
    ['a DeploymentConfig (as its Deployment)', deploymentConfig({ metadata: { annotations: ready } }), [{ kind: 'Deployment', name: 'api' }]],
    ['a BuildConfig (its app\'s first build)', buildConfig({ annotations: ready }), [{ kind: 'App', name: 'frontend' }]],
    ['"false"', deployment({ annotations: { 'template.alpha.openshift.io/wait-for-ready': 'false' }, containers: [{ name: 'web', image: 'nginx:1.27' }] }), []],
  ])('%s', (_name, object, expected) => {
    expect(translateOpenShift([object]).waitForReady).toEqual(expected);
  });

  test.each([
    ['a Service', { ...service([{ port: 80 }]), metadata: { name: 'web', annotations: ready } }, 'wait-for-ready ignored'],
    ['a Route', { ...route({ to: { kind: 'Service', name: 'web-svc' } }), metadata: { name: 'web', annotations: ready } }, 'a Route is ready once it has a host'],
  ])('on %s it is noted, not waited for', (_name, object, note) => {
    const t = translateOpenShift([object, service([{ port: 80 }], 'web-svc')]);
    expect(t.waitForReady).toEqual([]);
    expect(t.notes).toContainEqual(expect.stringContaining(note));
  });
});
