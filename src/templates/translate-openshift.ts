// Turns the objects of a processed OpenShift template into the Kubernetes objects Slipway applies
// and the apps it creates. OpenShift semantics are kept where Kubernetes has an equivalent; what
// has none is reported (`unsupported`, `notes`), never dropped. Pure: no I/O, and the input is
// cloned first, never mutated. BuildConfigs, ImageStreams and image triggers are
// translated in openshift-images.ts.
import {
  addBuildConfig, annotationTriggers, bindImages, identity, isObj, label, list, POD_SPEC_PATH, rec, str,
  type ImageContext, type ImageTrigger, type Obj,
} from './openshift-images.js';
import { imageMap, type OpenShiftImages } from './openshift-streams.js';
import { generatedRouteHost } from './route-host.js';
import type { Translation } from './translation.js';

export { UNRESOLVED_IMAGE } from './openshift-images.js';
export type { TemplateApp, Translation, Unsupported } from './translation.js';

const WAIT_FOR_READY = 'template.alpha.openshift.io/wait-for-ready';

/** OpenShift kinds: served as `<group>/v1` and, by older clusters and templates, as plain `v1`. */
const OPENSHIFT_GROUPS = new Map(Object.entries({
  DeploymentConfig: 'apps.openshift.io', Route: 'route.openshift.io', BuildConfig: 'build.openshift.io',
  ImageStream: 'image.openshift.io', Template: 'template.openshift.io',
}));
/** Kubernetes kinds applied as they are, with the apiVersion current clusters serve, in apply order. */
const KUBERNETES_KINDS = new Map(Object.entries({
  ServiceAccount: 'v1', Secret: 'v1', ConfigMap: 'v1', PersistentVolumeClaim: 'v1',
  Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1', Service: 'v1',
  Deployment: 'apps/v1', StatefulSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1', Ingress: 'networking.k8s.io/v1',
}));
const APPLY_ORDER = [...KUBERNETES_KINDS.keys()];
const CLUSTER_SCOPED = "cluster-scoped: Slipway creates objects in the app's namespace only";
const REFUSED = new Map(Object.entries({
  DaemonSet: 'a DaemonSet runs a pod on every node; Slipway deploys namespaced apps, not node agents',
  ClusterRole: CLUSTER_SCOPED, ClusterRoleBinding: CLUSTER_SCOPED, Namespace: CLUSTER_SCOPED,
  PersistentVolume: "cluster-scoped: storage comes from a PersistentVolumeClaim and the cluster's StorageClass",
}));
/** Readiness OpenShift can wait for (openshift-controller-manager, templateinstance readiness.go), translated. */
const WAITABLE = new Set(['Deployment', 'StatefulSet', 'Job']);

interface Context extends ImageContext {
  out: Translation;
  services: Map<string, Obj>;
  namespace?: string;
  appsDomain?: string;
}

/** What the cluster gives a template on OpenShift: its namespace's streams and the router's domain (config: OpenShiftSettings). */
export interface TranslateOptions {
  /** The `openshift` namespace's image streams → images, entries over DEFAULT_OPENSHIFT_IMAGES (SLIPWAY_OPENSHIFT_IMAGES). */
  images?: OpenShiftImages;
  /** Routes without a host get `<route>-<namespace>.<appsDomain>`. */
  appsDomain?: string;
  /** The namespace the objects go to. */
  namespace?: string;
}

export function translateOpenShift(objects: Array<Record<string, unknown>>, options: TranslateOptions = {}): Translation {
  const out: Translation = { objects: [], apps: [], imageBindings: [], waitForReady: [], unsupported: [], notes: [] };
  const items = flatten(structuredClone(objects), out);
  const known = items.filter((o) => {
    const verdict = recognised(o);
    if (verdict !== true) out.unsupported.push({ ...identity(o), reason: verdict });
    return verdict === true;
  });
  const byKind = (kind: string): Map<string, Obj> => new Map(known.filter((o) => o.kind === kind).map((o) => [identity(o).name, o]));
  const ctx: Context = {
    out, streams: byKind('ImageStream'), builtBy: new Map(), services: byKind('Service'),
    images: imageMap(options.images), namespace: options.namespace, appsDomain: options.appsDomain,
  };
  // Apps first: whether a workload's image is an app's build depends on every BuildConfig.
  const secrets = byKind('Secret');
  for (const o of known.filter((x) => x.kind === 'BuildConfig')) {
    const app = addBuildConfig({ buildConfig: o, secrets, ctx });
    if (app && waitsForReady(o)) out.waitForReady.push({ kind: 'App', name: app });
  }
  for (const o of known) translate(o, ctx);
  out.objects.sort((a, b) => APPLY_ORDER.indexOf(String(a.kind)) - APPLY_ORDER.indexOf(String(b.kind)));
  return out;
}

/** List items and a nested Template's objects, depth first, in order. */
function flatten(objects: Obj[], out: Translation): Obj[] {
  return objects.flatMap((o) => {
    if (o.kind === 'List' && Array.isArray(o.items)) return flatten(list(o.items), out);
    if (o.kind === 'Template' && recognised(o) === true && Array.isArray(o.objects)) {
      out.notes.push(`${label(o)}: its objects are taken as they are; processing (parameters, labels) happens before translation`);
      return flatten(list(o.objects), out);
    }
    return [o];
  });
}

function recognised(o: Obj): true | string {
  const kind = str(o.kind);
  const apiVersion = str(o.apiVersion) ?? '(no apiVersion)';
  if (!kind || !str(rec(o.metadata).name)) return 'an object needs a kind and a metadata.name';
  const group = OPENSHIFT_GROUPS.get(kind);
  if (group) return apiVersion === 'v1' || apiVersion === `${group}/v1` ? true : `kind ${kind} ${apiVersion} is not supported (${group}/v1 or v1)`;
  const refused = REFUSED.get(kind);
  if (refused) return refused;
  const version = KUBERNETES_KINDS.get(kind);
  if (!version) return `kind ${kind} is not supported`;
  return apiVersion === version ? true : `${kind} ${apiVersion} is not served by current Kubernetes (or is OpenShift's legacy API); use ${version}`;
}

function translate(o: Obj, ctx: Context): void {
  if (o.kind === 'BuildConfig' || o.kind === 'ImageStream') return; // consumed: apps, image resolution
  if (o.kind === 'Template') return void ctx.out.unsupported.push({ ...identity(o), reason: 'a Template without objects' });
  if (o.kind === 'DeploymentConfig') return deploymentConfig(o, ctx);
  if (o.kind === 'Route') return route(o, ctx);
  const metadata = rec(o.metadata);
  if (metadata.namespace !== undefined) {
    ctx.out.notes.push(`${label(o)}: metadata.namespace ${JSON.stringify(metadata.namespace)} dropped: Slipway applies into the app's namespace`);
    delete metadata.namespace; // `o` is a clone
  }
  if (POD_SPEC_PATH.has(String(o.kind))) bindImages({ source: o, workload: o, triggers: annotationTriggers(o, ctx), ctx });
  emit(o, o, ctx);
}

const waitsForReady = (o: Obj): boolean => rec(rec(o.metadata).annotations)[WAIT_FOR_READY] === 'true';

function emit(object: Obj, source: Obj, ctx: Context): void {
  ctx.out.objects.push(object);
  if (!waitsForReady(source)) return;
  if (WAITABLE.has(String(object.kind))) ctx.out.waitForReady.push(identity(object));
  else if (source.kind === 'Route') ctx.out.notes.push(`${label(source)}: wait-for-ready: a Route is ready once it has a host; the Ingress has one, nothing to wait for`);
  else ctx.out.notes.push(`${label(source)}: wait-for-ready ignored: OpenShift waits only for builds, Deployment(Config)s, StatefulSets, Jobs and Routes`);
}

const metadataOf = (o: Obj): Obj => {
  const { name, labels, annotations } = rec(o.metadata);
  return { name, ...(isObj(labels) && { labels }), ...(isObj(annotations) && { annotations }) };
};

function deploymentConfig(o: Obj, ctx: Context): void {
  const spec = rec(o.spec);
  if (!isObj(spec.template)) return void ctx.out.unsupported.push({ ...identity(o), reason: 'a DeploymentConfig without spec.template' });
  const template = spec.template;
  // A DC selector is a plain label map; without one OpenShift selects the template's labels.
  const selector = isObj(spec.selector) && Object.keys(spec.selector).length > 0 ? spec.selector : rec(rec(template.metadata).labels);
  const deploymentSpec: Obj = { selector: { matchLabels: selector }, template, strategy: deploymentStrategy(o, ctx) };
  for (const key of ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'paused']) if (spec[key] !== undefined) deploymentSpec[key] = spec[key];
  const deployment: Obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: metadataOf(o), spec: deploymentSpec };
  const where = label(o);
  if (spec.test === true) ctx.out.notes.push(`${where}: test mode (scale to 0 after each rollout) is not carried`);
  const triggers: ImageTrigger[] = [];
  for (const t of list(spec.triggers)) {
    if (t.type === 'ConfigChange') {
      ctx.out.notes.push(`${where}: ConfigChange trigger is implicit: a Deployment rolls out whenever its pod template changes`);
    } else if (t.type === 'ImageChange') {
      const params = rec(t.imageChangeParams);
      const names = Array.isArray(params.containerNames) ? params.containerNames.filter((n): n is string => typeof n === 'string') : [];
      if (names.length === 0) ctx.out.unsupported.push({ ...identity(o), reason: 'ImageChange trigger without containerNames' });
      if (params.automatic === false) ctx.out.notes.push(`${where}: ImageChange trigger has automatic: false; in Slipway the app's autoDeploy decides whether a build rolls out`);
      for (const name of names) triggers.push({ from: rec(params.from), container: { name }, what: 'ImageChange trigger' });
    } else {
      ctx.out.unsupported.push({ ...identity(o), reason: `trigger type ${String(t.type)} is not supported` });
    }
  }
  bindImages({ source: o, workload: deployment, triggers, ctx });
  emit(deployment, o, ctx);
}

function deploymentStrategy(o: Obj, ctx: Context): Obj {
  const strategy = rec(rec(o.spec).strategy);
  const type = str(strategy.type) ?? 'Rolling';
  const hooks = (params: unknown, names: string[]): void => {
    for (const hook of names.filter((h) => isObj(rec(params)[h]))) {
      const command = rec(rec(rec(params)[hook]).execNewPod).command;
      ctx.out.notes.push(`${label(o)}: ${type} ${hook} lifecycle hook${command ? ` (${JSON.stringify(command)})` : ''} is reported, not run: Deployments have no hooks`);
    }
  };
  if (type === 'Recreate') {
    hooks(strategy.recreateParams, ['pre', 'mid', 'post']);
    return { type: 'Recreate' };
  }
  if (type === 'Rolling') {
    const params = rec(strategy.rollingParams);
    hooks(params, ['pre', 'post']);
    const rollingUpdate = Object.fromEntries(['maxSurge', 'maxUnavailable'].filter((k) => params[k] !== undefined).map((k) => [k, params[k]]));
    return Object.keys(rollingUpdate).length > 0 ? { type: 'RollingUpdate', rollingUpdate } : { type: 'RollingUpdate' };
  }
  ctx.out.unsupported.push({ ...identity(o), reason: `deployment strategy ${type} is not supported` });
  ctx.out.notes.push(`${label(o)}: ${type} strategy replaced by RollingUpdate`);
  return { type: 'RollingUpdate' };
}

function route(o: Obj, ctx: Context): void {
  const spec = rec(o.spec);
  const tls = rec(spec.tls);
  const where = label(o);
  const skip = (reason: string): void => void ctx.out.unsupported.push({ ...identity(o), reason });
  const termination = str(tls.termination);
  if (termination && termination !== 'edge') return skip(`tls termination ${termination} is not supported: an Ingress terminates TLS at the controller (edge) only`);
  const host = str(spec.host) ?? routerHost(o, ctx);
  const to = rec(spec.to);
  const service = str(to.name);
  if ((str(to.kind) ?? 'Service') !== 'Service' || !service) return skip('spec.to must name a Service');
  const port = backendPort({ where, service, targetPort: rec(spec.port).targetPort, ctx });
  if (typeof port === 'string') return skip(port);
  if (list(spec.alternateBackends).length > 0) ctx.out.notes.push(`${where}: alternateBackends (weighted split) are not carried; all traffic goes to Service ${service}`);
  if (spec.wildcardPolicy === 'Subdomain') ctx.out.notes.push(`${where}: wildcardPolicy Subdomain is not carried; the Ingress matches ${host ?? 'any host'} only`);
  const backend = { service: { name: service, port } };
  const ingressSpec: Obj = { rules: [{ ...(host && { host }), http: { paths: [{ path: str(spec.path) ?? '/', pathType: 'Prefix', backend }] } }] };
  if (termination === 'edge') {
    const entry: Obj = host ? { hosts: [host] } : {};
    const [certificate, key, ca] = [str(tls.certificate), str(tls.key), str(tls.caCertificate)];
    if (certificate && key) {
      entry.secretName = `${identity(o).name}-tls`;
      const { labels } = metadataOf(o);
      const chain = ca ? `${certificate.trimEnd()}\n${ca}` : certificate;
      emit({ apiVersion: 'v1', kind: 'Secret', metadata: { name: entry.secretName, ...(isObj(labels) && { labels: { ...labels } }) }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': chain, 'tls.key': key } }, {}, ctx);
    } else {
      ctx.out.notes.push(`${where}: edge TLS without a certificate: OpenShift's router serves its default one; the Ingress gets the controller's default certificate unless a kubernetes.io/tls Secret is created and named in spec.tls[0].secretName`);
    }
    if (tls.insecureEdgeTerminationPolicy === 'Allow') ctx.out.notes.push(`${where}: insecureEdgeTerminationPolicy Allow: most ingress controllers redirect HTTP to HTTPS once TLS is set`);
    ingressSpec.tls = [entry];
  }
  emit({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: metadataOf(o), spec: ingressSpec }, o, ctx);
}

/**
 * The host OpenShift's router would give a Route without one, from SLIPWAY_APPS_DOMAIN. Without
 * that setting the Ingress gets no host: it answers every host the ingress controller serves that
 * no other Ingress claims, as `kubectl apply` of a host-less Ingress would (a template may create
 * such an Ingress itself, so refusing the Route would protect nothing), and the notes say so.
 */
function routerHost(o: Obj, ctx: Context): string | undefined {
  const where = label(o);
  const generated = generatedRouteHost({ route: identity(o).name, namespace: ctx.namespace, appsDomain: ctx.appsDomain });
  if ('host' in generated) {
    ctx.out.notes.push(`${where}: no spec.host: ${generated.host}, as OpenShift's router names it (<route>-<namespace>.<SLIPWAY_APPS_DOMAIN>)`);
    return generated.host;
  }
  ctx.out.notes.push(`${where}: warning: no spec.host and ${generated.none}: the Ingress has no host and answers every host no other Ingress claims; set SLIPWAY_APPS_DOMAIN (or spec.host) for <route>-<namespace>.<domain>`);
  return undefined;
}

/**
 * A Route's port.targetPort is the endpoints' port (OpenShift: "the target port on pods selected
 * by the service"), an Ingress backend's port is the Service's: map one to the other through the
 * Service when the template holds it. A name is a Service port's name; a number is a targetPort.
 */
function backendPort(params: { where: string; service: string; targetPort: unknown; ctx: Context }): { number: number } | { name: string } | string {
  const { where, service, targetPort, ctx } = params;
  const svc = ctx.services.get(service);
  const ports = svc ? list(rec(svc.spec).ports).filter((p) => typeof p.port === 'number') : undefined;
  if (targetPort === undefined) {
    const first = ports?.[0];
    if (!first) return `no spec.port.targetPort, and Service ${service} ${svc ? 'has no ports' : 'is not in the template'}`;
    if (ports.length > 1) ctx.out.notes.push(`${where}: no spec.port.targetPort; the Ingress uses Service ${service}'s first port (${String(first.port)})`);
    return { number: first.port as number };
  }
  if (typeof targetPort !== 'string' && typeof targetPort !== 'number') return 'spec.port.targetPort must be a port name or number';
  if (!ports) {
    ctx.out.notes.push(`${where}: Service ${service} is not in the template; its port ${targetPort} is assumed to be the Service port`);
    return typeof targetPort === 'number' ? { number: targetPort } : { name: targetPort };
  }
  if (typeof targetPort === 'string') return ports.some((p) => p.name === targetPort) ? { name: targetPort } : `targetPort ${targetPort} names no port of Service ${service}`;
  const targeting = ports.find((p) => (p.targetPort ?? p.port) === targetPort);
  if (targeting) return { number: targeting.port as number };
  const same = ports.find((p) => p.port === targetPort);
  if (!same) return `targetPort ${targetPort} is no port or targetPort of Service ${service}`;
  ctx.out.notes.push(`${where}: targetPort ${targetPort} matches Service ${service}'s port, not a targetPort; using that port`);
  return { number: targetPort };
}
