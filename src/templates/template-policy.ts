// What a template may create (issue 14). A token holder provisions templates, and a template is
// code someone else wrote: it may make the namespaced objects an app and its database need, and
// nothing that grants rights (RBAC, ServiceAccounts), reaches past the namespace (Namespaces,
// cluster-scoped kinds, Service externalIPs) or escapes a pod's sandbox (privileged, host
// namespaces, hostPath, host ports, added capabilities, privilege escalation). Pure: a table of
// objects in, the violations out; provisioning refuses the whole template before applying anything.
import { SlipwayError } from '../errors.js';

type Obj = Record<string, unknown>;

export interface PolicyViolation {
  kind: string;
  name: string;
  /** A stable name for the rule, e.g. `kind-not-allowed`, `host-path`, `privileged`. */
  rule: string;
  message: string;
}

export interface TemplatePolicyOptions {
  /** SLIPWAY_TEMPLATES_ALLOW_PRIVILEGED: lifts the pod rules (not the kind list). */
  allowPrivileged: boolean;
}

/** Each kind a template may create, with the API groups it may come from ('' is the core group; OpenShift kinds also as plain `v1`). */
export const TEMPLATE_KINDS: Readonly<Record<string, readonly string[]>> = {
  Secret: [''],
  ConfigMap: [''],
  Service: [''],
  PersistentVolumeClaim: [''],
  Deployment: ['apps'],
  StatefulSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
  Ingress: ['networking.k8s.io'],
  DeploymentConfig: ['apps.openshift.io', ''],
  Route: ['route.openshift.io', ''],
  ImageStream: ['image.openshift.io', ''],
  BuildConfig: ['build.openshift.io', ''],
};

/** Wrappers whose items are checked as objects of their own. */
const CONTAINERS: Readonly<Record<string, readonly string[]>> = { List: [''], Template: ['template.openshift.io', ''] };

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  DeploymentConfig: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Pod Security `restricted` lets a container add this one capability, and no other. */
const ADDABLE_CAPABILITIES = new Set(['NET_BIND_SERVICE']);
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const group = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

/** Every rule every object of `objects` breaks (List items and nested Templates' objects included), in order. */
export function templatePolicyViolations(objects: readonly unknown[], options: TemplatePolicyOptions): PolicyViolation[] {
  return objects.flatMap((object) => objectViolations(object, options));
}

/** Throws TEMPLATE_FORBIDDEN (422) naming each refused object and the rule it breaks. */
export function enforceTemplatePolicy(params: { template: string; objects: readonly unknown[]; options: TemplatePolicyOptions }): void {
  const violations = templatePolicyViolations(params.objects, params.options);
  if (violations.length === 0) return;
  const list = violations.map((v) => `${v.kind}/${v.name}: ${v.message} (${v.rule})`).join('; ');
  throw new SlipwayError('TEMPLATE_FORBIDDEN', `template "${params.template}" was not applied: ${list}`, { template: params.template, violations });
}

function objectViolations(object: unknown, options: TemplatePolicyOptions): PolicyViolation[] {
  const o = isObj(object) ? object : {};
  const kind = text(o.kind) || '(no kind)';
  const name = text(isObj(o.metadata) ? o.metadata.name : undefined) || '(no name)';
  const apiVersion = text(o.apiVersion);
  const refuse = (rule: string, message: string): PolicyViolation => ({ kind, name, rule, message });
  if (CONTAINERS[kind]?.includes(group(apiVersion))) {
    const items = kind === 'List' ? o.items : o.objects;
    return Array.isArray(items) ? templatePolicyViolations(items, options) : [];
  }
  if (!TEMPLATE_KINDS[kind]?.includes(group(apiVersion))) {
    return [refuse('kind-not-allowed', `${kind} (apiVersion ${apiVersion || 'none'}) is not a kind templates may create; they may create ${Object.keys(TEMPLATE_KINDS).join(', ')}`)];
  }
  const found: PolicyViolation[] = [];
  if (kind === 'Service' && isObj(o.spec) && Array.isArray(o.spec.externalIPs) && o.spec.externalIPs.length > 0) {
    // CVE-2020-8554: a Service's externalIPs intercept traffic to those addresses cluster-wide.
    found.push(refuse('external-ips', 'a Service may not set externalIPs: it would capture traffic for those addresses across the cluster'));
  }
  const path = POD_SPEC[kind];
  const spec = path ? path.reduce<unknown>((at, key) => (isObj(at) ? at[key] : undefined), o) : undefined;
  if (isObj(spec) && !options.allowPrivileged) found.push(...podViolations(spec).map(([rule, message]) => refuse(rule, message)));
  return found;
}

/** The pod rules, as [rule, message] pairs. */
function podViolations(spec: Obj): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) found.push(['host-namespaces', `its pods may not set ${field}: true`]);
  }
  for (const volume of Array.isArray(spec.volumes) ? spec.volumes.filter(isObj) : []) {
    if (volume.hostPath !== undefined) found.push(['host-path', `volume "${text(volume.name)}" is a hostPath: pods may not mount the node's files`]);
  }
  for (const list of CONTAINER_LISTS) {
    for (const container of Array.isArray(spec[list]) ? spec[list].filter(isObj) : []) {
      const where = `container "${text(container.name)}"`;
      const context = isObj(container.securityContext) ? container.securityContext : {};
      if (context.privileged === true) found.push(['privileged', `${where} may not be privileged`]);
      if (context.allowPrivilegeEscalation === true) found.push(['privilege-escalation', `${where} may not set allowPrivilegeEscalation: true`]);
      const added = isObj(context.capabilities) && Array.isArray(context.capabilities.add) ? context.capabilities.add.map(String) : [];
      const extra = added.filter((c) => !ADDABLE_CAPABILITIES.has(c.replace(/^CAP_/, '')));
      if (extra.length > 0) found.push(['capabilities', `${where} may not add capabilities ${extra.join(', ')} (only NET_BIND_SERVICE)`]);
      for (const port of Array.isArray(container.ports) ? container.ports.filter(isObj) : []) {
        if (port.hostPort !== undefined && port.hostPort !== 0) found.push(['host-ports', `${where} may not bind host port ${String(port.hostPort)}`]);
      }
    }
  }
  return found;
}
