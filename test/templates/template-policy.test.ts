import { listBuiltInTemplates } from '../../src/templates/catalog.js';
import { parseTemplate } from '../../src/templates/parse-template.js';
import { processTemplate } from '../../src/templates/process-template.js';
import { enforceTemplatePolicy, templatePolicyViolations } from '../../src/templates/template-policy.js';
import { translateOpenShift } from '../../src/templates/translate-openshift.js';
import { errorOf, POSTGRESQL_PERSISTENT } from './fixtures.js';

type Obj = Record<string, unknown>;
const strict = { allowPrivileged: false };
const lenient = { allowPrivileged: true };

const deployment = (pod: Obj, name = 'web'): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { template: { spec: pod } } });
const container = (extra: Obj = {}): Obj => ({ name: 'c', image: 'nginx', ...extra });

describe('templatePolicyViolations: kinds', () => {
  test.each<[string, Obj]>([
    ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }],
    ['Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } }],
    ['PersistentVolumeClaim', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'x' } }],
    ['Deployment', deployment({ containers: [container()] })],
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { template: { spec: { containers: [container()] } } } }],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' } }],
    ['CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'x' } }],
    ['Ingress', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'x' } }],
    ['DeploymentConfig (apps.openshift.io/v1)', { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', metadata: { name: 'x' } }],
    ['DeploymentConfig (legacy v1)', { apiVersion: 'v1', kind: 'DeploymentConfig', metadata: { name: 'x' } }],
    ['Route', { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'x' } }],
    ['ImageStream', { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'x' } }],
    ['BuildConfig', { apiVersion: 'build.openshift.io/v1', kind: 'BuildConfig', metadata: { name: 'x' } }],
    ['a List of allowed objects', { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }] }],
  ])('allowed: %s', (_name, object) => {
    expect(templatePolicyViolations([object], strict)).toEqual([]);
  });

  test.each<[string, Obj, string]>([
    ['a RoleBinding to cluster-admin', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'admin' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } }, 'RoleBinding/admin'],
    ['a Role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' } }, 'Role/r'],
    ['a ClusterRoleBinding', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'crb' } }, 'ClusterRoleBinding/crb'],
    ['a ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } }, 'ServiceAccount/sa'],
    ['a Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }, 'Namespace/kube-system'],
    ['a PersistentVolume (cluster-scoped)', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' } }, 'PersistentVolume/pv'],
    ['a bare Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, 'Pod/p'],
    ['a DaemonSet', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' } }, 'DaemonSet/d'],
    ['a webhook configuration', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'w' } }, 'MutatingWebhookConfiguration/w'],
    ['a custom resource named like an allowed kind', { apiVersion: 'evil.example.com/v1', kind: 'Secret', metadata: { name: 's' } }, 'Secret/s'],
    ['an allowed kind from the wrong group', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Deployment', metadata: { name: 'd' } }, 'Deployment/d'],
    ['no kind at all', { metadata: { name: 'x' } }, '(no kind)/x'],
    ['a RoleBinding inside a List', { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb' } }] }, 'RoleBinding/rb'],
    [
      'a Namespace inside a nested Template',
      { apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name: 't' }, objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }] },
      'Namespace/n',
    ],
  ])('refused: %s', (_name, object, refused) => {
    for (const options of [strict, lenient]) {
      const violations = templatePolicyViolations([object], options);
      expect(violations.map((v) => `${v.kind}/${v.name} ${v.rule}`)).toEqual([`${refused} kind-not-allowed`]);
    }
  });

  test('a Service with externalIPs (CVE-2020-8554) is refused whatever the admin setting', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mitm' }, spec: { externalIPs: ['8.8.8.8'] } };
    for (const options of [strict, lenient]) expect(templatePolicyViolations([service], options).map((v) => v.rule)).toEqual(['external-ips']);
  });
});

describe('templatePolicyViolations: pods', () => {
  test.each<[string, Obj, string[]]>([
    ['privileged', deployment({ containers: [container({ securityContext: { privileged: true } })] }), ['privileged']],
    ['hostNetwork', deployment({ hostNetwork: true, containers: [container()] }), ['host-namespaces']],
    ['hostPID and hostIPC', deployment({ hostPID: true, hostIPC: true, containers: [container()] }), ['host-namespaces', 'host-namespaces']],
    ['a hostPath volume of /', deployment({ volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [container()] }), ['host-path']],
    ['a host port', deployment({ containers: [container({ ports: [{ containerPort: 80, hostPort: 80 }] })] }), ['host-ports']],
    ['added SYS_ADMIN', deployment({ containers: [container({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })] }), ['capabilities']],
    ['added CAP_NET_ADMIN', deployment({ containers: [container({ securityContext: { capabilities: { add: ['CAP_NET_ADMIN'] } } })] }), ['capabilities']],
    ['allowPrivilegeEscalation: true', deployment({ containers: [container({ securityContext: { allowPrivilegeEscalation: true } })] }), ['privilege-escalation']],
    ['a privileged init container', deployment({ initContainers: [container({ securityContext: { privileged: true } })], containers: [container()] }), ['privileged']],
    [
      'a privileged CronJob',
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'web' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [container({ securityContext: { privileged: true } })] } } } } } },
      ['privileged'],
    ],
    ['a hostPath in a Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'web' }, spec: { template: { spec: { volumes: [{ name: 'd', hostPath: { path: '/var/run/docker.sock' } }], containers: [container()] } } } }, ['host-path']],
    ['hostNetwork in a DeploymentConfig', { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', metadata: { name: 'web' }, spec: { template: { spec: { hostNetwork: true, containers: [container()] } } } }, ['host-namespaces']],
    ['a StatefulSet with a privileged container', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { template: { spec: { containers: [container({ securityContext: { privileged: true } })] } } } }, ['privileged']],
  ])('refused: %s', (_name, object, rules) => {
    expect(templatePolicyViolations([object], strict).map((v) => v.rule)).toEqual(rules);
    // The admin setting lifts the pod rules, and only those.
    expect(templatePolicyViolations([object], lenient)).toEqual([]);
  });

  test.each<[string, Obj]>([
    ['NET_BIND_SERVICE (restricted allows it)', deployment({ containers: [container({ securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } })] })],
    ['hostPort 0 (unset)', deployment({ containers: [container({ ports: [{ containerPort: 80, hostPort: 0 }] })] })],
    ['privileged: false, hostNetwork: false', deployment({ hostNetwork: false, containers: [container({ securityContext: { privileged: false, allowPrivilegeEscalation: false } })] })],
    ['emptyDir, configMap, secret and PVC volumes', deployment({ volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', configMap: { name: 'x' } }, { name: 'c', secret: { secretName: 'x' } }, { name: 'd', persistentVolumeClaim: { claimName: 'x' } }], containers: [container()] })],
  ])('allowed: %s', (_name, object) => {
    expect(templatePolicyViolations([object], strict)).toEqual([]);
  });
});

describe('enforceTemplatePolicy', () => {
  test('TEMPLATE_FORBIDDEN names each refused object and its rule', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ok' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'grab' } },
      deployment({ volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [container({ securityContext: { privileged: true } })] }, 'escape'),
    ];
    const error = errorOf(() => enforceTemplatePolicy({ template: 'evil', objects, options: strict }));
    expect(error.code).toBe('TEMPLATE_FORBIDDEN');
    expect(error.message).toContain('RoleBinding/grab');
    expect(error.message).toContain('(kind-not-allowed)');
    expect(error.message).toContain('Deployment/escape: volume "root" is a hostPath');
    expect(error.message).toContain('container "c" may not be privileged (privileged)');
    expect(error.details.violations).toHaveLength(3);
  });

  test('the built-in templates pass, before and after translation', async () => {
    for (const template of await listBuiltInTemplates()) {
      const processed = processTemplate({ template, values: { SOURCE_REPOSITORY_URL: 'https://example.com/a.git' }, ignoreUnknownParameters: true });
      expect(() => enforceTemplatePolicy({ template: template.metadata.name, objects: processed.objects, options: strict })).not.toThrow();
      expect(() => enforceTemplatePolicy({ template: template.metadata.name, objects: translateOpenShift(processed.objects).objects, options: strict })).not.toThrow();
    }
  });

  test('the OpenShift postgresql-persistent fixture passes', () => {
    const processed = processTemplate({ template: parseTemplate(POSTGRESQL_PERSISTENT, 'fixture.yaml'), values: {} });
    expect(templatePolicyViolations(processed.objects, strict)).toEqual([]);
  });
});
