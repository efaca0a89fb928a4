import type { KubeConfig } from '@kubernetes/client-node';
import { createApp, webhookUrl } from '../apps/create-app.js';
import { knownBuilder } from '../builds/builder-catalog.js';
import type { QueueingDeps } from '../queue/build-queueing.js';
import { startBuild } from '../builds/build-requests.js';
import type { Config } from '../config.js';
import { ensureNamespace } from '../releases/cluster/apply.js';
import { ensurePullSecret } from '../releases/cluster/pull-secret.js';
import type { Manifest } from '../releases/render/manifest.js';
import { withPlacement } from '../releases/render/placement.js';
import { PULL_SECRET_NAME, withPullSecret } from '../releases/render/pull-secret.js';
import { enqueuePullSecret, type DeployQueue } from '../queue/deploy-queue.js';
import { withRestrictedDefaults } from '../releases/render/security-context.js';
import { checkAppNamespace } from '../store/deploy-config.js';
import type { BuildQueue } from '../queue/build-queue.js';
import type { AppStore } from '../store/app-store.js';
import type { BuildStore } from '../store/build-store.js';
import type { ProvisionStore } from '../store/provision-store.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { DeployConfig } from '../store/types.js';
import { applyTemplateObject, type Applied } from './apply-object.js';
import { existingSecretValues } from './pin-secret-values.js';
import { processTemplate } from './process-template.js';
import { POD_SPEC_PATH } from './openshift-images.js';
import { enforceTemplatePolicy } from './template-policy.js';
import { translateOpenShift, type TemplateApp, type Translation, type Unsupported } from './translate-openshift.js';
import type { Template } from './types.js';
import { waitForWorkload } from './wait-ready.js';
import { checkTemplateClaims } from './single-node-claims.js';

export interface ProvisionDeps extends QueueingDeps {
  kubeConfig(): KubeConfig;
  config: Config;
  apps: AppStore;
  builds: BuildStore;
  releases: ReleaseStore;
  provisions: ProvisionStore;
  buildQueue: BuildQueue;
  /** For the registry pull secret, when this process does not hold the registry credentials. */
  deployQueue: DeployQueue;
  logger: { warn: (details: object, message: string) => void };
}

export interface ProvisionReport {
  template: string;
  namespace: string;
  /** Secrets are reported with their key names (`keys`), never their values. */
  objects: Array<{ kind: string; name: string; action: Applied['action'] | 'managed by app'; keys?: string[]; addedKeys?: string[] }>;
  apps: Array<{ name: string; action: 'created' | 'exists'; buildId?: string; buildError?: string; webhook?: { url: string; secret: string } }>;
  waited: Array<{ kind: string; name: string; state: string; reason?: string; message: string }>;
  unsupported: Unsupported[];
  notes: string[];
  /** The template's message; a value it shows that is kept in an existing Secret reads `<kept in Secret NAME>`. */
  message?: string;
}

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

/**
 * `oc new-app --template` for Kubernetes: process the template, translate OpenShift kinds,
 * apply the objects idempotently into `namespace` (Secrets keep their values, PVCs are kept),
 * create an app per BuildConfig (its workload becomes the app's pod template) and start its
 * first build, then wait for the objects marked wait-for-ready.
 *
 * Refused before anything is read or applied: a namespace apps may not use (NAMESPACE_FORBIDDEN)
 * and a template with an object the template policy refuses (TEMPLATE_FORBIDDEN). Pods of the
 * workloads applied get the restricted security context wherever they leave it unset, and the
 * install's placement and registry pull secret as app pods do. Values
 * kept in existing Secrets are never returned: those Secrets are reported `kept` by key name.
 */
export async function provisionTemplate(
  deps: ProvisionDeps,
  params: { template: Template; values: Record<string, string>; namespace: string; ignoreUnknownParameters?: boolean; waitSeconds?: number },
): Promise<ProvisionReport> {
  const { template, namespace } = params;
  checkAppNamespace(namespace, deps.config.namespaces);
  const policy = { allowPrivileged: deps.config.templatesAllowPrivileged };
  const firstPass = processTemplate({ template, values: params.values, ignoreUnknownParameters: params.ignoreUnknownParameters });
  enforceTemplatePolicy({ template: template.metadata.name, objects: firstPass.objects, options: policy });
  // Re-running must not rotate credentials: values already stored in a Secret win over new ones.
  const stored = await existingSecretValues({ kc: deps.kubeConfig(), namespace, template, processed: firstPass });
  const processed = Object.keys(stored.values).length
    ? processTemplate({ template, values: { ...params.values, ...stored.values }, ignoreUnknownParameters: true })
    : firstPass;
  const translation = translateOpenShift(processed.objects, { ...deps.config.openshift, namespace });
  const builderNotes = available(translation.apps);
  // What is applied is checked too: translation makes Deployments, Ingresses and TLS Secrets of its own.
  enforceTemplatePolicy({ template: template.metadata.name, objects: translation.objects, options: policy });
  checkTemplateClaims(translation.objects);
  const { objects: toApply, podTemplates } = splitBoundWorkloads(translation);
  const report: ProvisionReport = {
    template: template.metadata.name,
    namespace,
    objects: [],
    apps: [],
    waited: [],
    unsupported: translation.unsupported,
    notes: [...translation.notes, ...builderNotes],
    message: withoutStoredValues({ template, processed, secretOf: stored.secretOf }),
  };

  await ensureNamespace({ kc: deps.kubeConfig(), namespace, app: template.metadata.name, manage: deps.config.manageNamespaces, rules: deps.config.namespaces });
  // Remembered so listing databases asks only namespaces Slipway works in (namespace-scoped RBAC).
  await deps.provisions.rememberNamespace(namespace);
  // As for an app's release (issue 15): a template's image may live in Slipway's registry (an
  // air-gapped copy of a database image), so its pods pull with the namespace's registry pull
  // secret. Kept here when this process holds the registry credentials; else (an install gives
  // them only to the deploy worker) the deploy worker is asked to keep it, and the pods name it
  // at once: the kubelet retries the pull until the Secret is there.
  const imagePullSecret =
    (await ensurePullSecret({ kc: deps.kubeConfig(), namespace, registry: deps.config.registry })) ??
    (await enqueuePullSecret(deps.deployQueue, { app: template.metadata.name, namespace }).then(() => PULL_SECRET_NAME));
  for (const object of toApply as Obj[]) {
    const labelled = restricted({ ...object, metadata: { ...object.metadata, namespace, labels: { ...object.metadata.labels, 'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/template': template.metadata.name } } });
    report.objects.push({ kind: object.kind, name: object.metadata.name, ...(await applyTemplateObject(deps.kubeConfig(), placed(labelled, { deps, imagePullSecret }))) });
  }
  for (const app of translation.apps) report.apps.push(await provisionApp(deps, { app, namespace, podTemplate: podTemplates.get(app.name), report }));

  // waitSeconds 0: do not wait (the CLI's --no-wait).
  const deadlineSeconds = params.waitSeconds ?? 300;
  for (const target of params.waitSeconds === 0 ? [] : translation.waitForReady) {
    // A BuildConfig, or a workload an app now runs: ready when the app's first release is.
    const app = target.kind === 'App' ? target.name : [...podTemplates].find(([, p]) => p.workload.kind === target.kind && p.workload.metadata.name === target.name)?.[0];
    if (app) {
      const status = await waitForFirstRelease({ deps, app, buildId: report.apps.find((a) => a.name === app)?.buildId, deadlineSeconds });
      report.waited.push({ ...target, ...status });
      continue;
    }
    if (!['Deployment', 'StatefulSet'].includes(target.kind)) continue;
    const status = await waitForWorkload({ kc: deps.kubeConfig(), namespace, kind: target.kind, name: target.name, deadlineSeconds });
    report.waited.push({ ...target, state: status.state, reason: status.reason, message: status.message });
  }
  return report;
}

/**
 * A workload with the restricted security context filled in where its pods say nothing: app
 * namespaces enforce Pod Security `restricted`, and a template written for OpenShift (whose SCC
 * sets these itself) would otherwise have every pod refused. Values the template sets are kept.
 */
function restricted(object: Obj): Obj {
  const path = POD_SPEC_PATH.get(object.kind)?.split('.');
  if (!path) return object;
  const copy = structuredClone(object);
  const parent = path.slice(0, -1).reduce<Record<string, unknown> | undefined>((at, key) => (at?.[key] as Record<string, unknown> | undefined), copy);
  const spec = parent?.[path.at(-1)!];
  if (parent && spec && typeof spec === 'object') parent[path.at(-1)!] = withRestrictedDefaults(spec as Record<string, unknown>);
  return copy;
}

/**
 * A template object as the install runs app pods: its pods get the install's placement
 * (SLIPWAY_POD_NODE_SELECTOR / _TOLERATIONS, merged with the template's own) and the registry
 * pull secret, as the deploy worker adds them to a release's workload at apply time. Other kinds
 * as they are.
 */
function placed(object: Obj, params: { deps: ProvisionDeps; imagePullSecret?: string }): Obj {
  const [withPod] = withPullSecret(withPlacement([object as Manifest], params.deps.config.podPlacement), params.imagePullSecret);
  return withPod as Obj;
}

/**
 * The template's message, with every parameter whose value came from an existing Secret shown as
 * `<kept in Secret NAME>`: a re-run reports what it kept, never the stored credentials. Other
 * parameters keep the values this run used.
 */
function withoutStoredValues(params: { template: Template; processed: { message?: string; parameters: Record<string, string> }; secretOf: Record<string, string> }): string | undefined {
  const { template, processed, secretOf } = params;
  if (processed.message === undefined || Object.keys(secretOf).length === 0) return processed.message;
  const masks = Object.fromEntries(Object.entries(secretOf).map(([parameter, secret]) => [parameter, `<kept in Secret ${secret}>`]));
  return processTemplate({ template: { ...template, objects: [] }, values: { ...processed.parameters, ...masks }, ignoreUnknownParameters: true }).message;
}

/**
 * Each app's builder pin from its BuildConfig's builder stream (`python:3.8`), checked before
 * anything is applied: a pin the installed builders refuse (no such version) is dropped with a
 * note, and the app's builder is detected from its repository, rather than failing the template
 * after its objects were applied. Mutates `apps`; returns the notes.
 */
function available(apps: TemplateApp[]): string[] {
  const notes: string[] = [];
  for (const app of apps.filter((a) => a.builder)) {
    try {
      knownBuilder(app.builder!);
    } catch (error) {
      notes.push(`app ${app.name}: builder ${app.builder} is not available here (${error instanceof Error ? error.message : String(error)}); its builder is detected from its repository`);
      delete app.builder;
    }
  }
  return notes;
}

/** Workloads whose image comes from an app's build become that app's pod template instead of objects applied now. */
function splitBoundWorkloads(translation: Translation): { objects: Translation['objects']; podTemplates: Map<string, { workload: Obj; container: string }> } {
  const podTemplates = new Map<string, { workload: Obj; container: string }>();
  const bound = new Set<string>();
  for (const binding of translation.imageBindings) {
    const workload = translation.objects.find((o) => o.kind === binding.kind && (o as Obj).metadata.name === binding.name) as Obj | undefined;
    if (!workload || podTemplates.has(binding.app)) continue;
    podTemplates.set(binding.app, { workload, container: binding.container });
    bound.add(`${binding.kind}/${binding.name}`);
  }
  return { objects: translation.objects.filter((o) => !bound.has(`${o.kind}/${(o as Obj).metadata.name}`)), podTemplates };
}

async function provisionApp(
  deps: ProvisionDeps,
  params: { app: TemplateApp; namespace: string; podTemplate?: { workload: Obj; container: string }; report: ProvisionReport },
): Promise<ProvisionReport['apps'][number]> {
  const { app, namespace, podTemplate, report } = params;
  if (await deps.apps.find(app.name)) return { name: app.name, action: 'exists' };
  const deploy: Partial<DeployConfig> = { namespace };
  let port = 8080;
  if (podTemplate) {
    const spec = (podTemplate.workload.spec ?? {}) as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } };
    const containers = (spec.template?.spec?.containers ?? []) as Array<{ name?: string; ports?: Array<{ containerPort?: number }> }>;
    port = containers.find((c) => c.name === podTemplate.container)?.ports?.[0]?.containerPort ?? port;
    Object.assign(deploy, {
      kind: podTemplate.workload.kind === 'StatefulSet' ? 'StatefulSet' : 'Deployment',
      replicas: spec.replicas ?? 1,
      // The template brings its own Service (and Route): the app does not render another.
      service: false,
      podTemplate: { container: podTemplate.container, labels: spec.template?.metadata?.labels ?? {}, spec: spec.template?.spec ?? {} },
    });
    report.objects.push({ kind: podTemplate.workload.kind, name: podTemplate.workload.metadata.name, action: 'managed by app' });
  }
  const { app: created, webhookSecret } = await createApp({
    apps: deps.apps,
    config: deps.config,
    input: {
      name: app.name,
      repo: app.repo,
      branch: app.ref || undefined,
      contextDir: app.contextDir || undefined,
      dockerfile: app.strategy === 'docker' ? app.dockerfilePath : undefined,
      buildArgs: { ...app.buildEnv, ...(app.buildArgs ?? {}) },
      postCommit: app.postCommit,
      ...(app.builder ? { builder: app.builder } : {}),
      port,
      deploy,
      webhookSecret: app.webhookSecret,
    },
  });
  const webhook = { url: webhookUrl(deps.config, created.name), secret: webhookSecret };
  try {
    const build = await startBuild(deps, { app: created, trigger: { kind: 'api' } });
    return { name: created.name, action: 'created', buildId: build.id, webhook };
  } catch (error) {
    // The app exists either way; a repo that cannot be read yet is reported, not fatal.
    deps.logger.warn({ app: created.name, err: error }, 'first build of a template app not started');
    return { name: created.name, action: 'created', buildError: error instanceof Error ? error.message : String(error), webhook };
  }
}

/** Polls an app's first build and the release it becomes, until current, failed, or the deadline. */
async function waitForFirstRelease(params: { deps: ProvisionDeps; app: string; buildId?: string; deadlineSeconds: number }): Promise<{ state: string; reason?: string; message: string }> {
  const { deps, app, buildId } = params;
  const deadline = Date.now() + params.deadlineSeconds * 1000;
  for (;;) {
    const build = buildId ? await deps.builds.find(buildId) : undefined;
    if (!build) return { state: 'failed', reason: 'NoBuild', message: `app ${app} has no build to wait for` };
    if (build.state === 'failed' || build.state === 'cancelled') return { state: 'failed', reason: 'BuildFailed', message: `build ${build.id} ${build.state}: ${build.failure?.reason ?? ''}` };
    const release = (await deps.releases.list(app)).find((r) => r.trigger.buildId === build.id);
    if (release?.status === 'current') return { state: 'ready', message: `release ${release.number} is current` };
    if (release?.status === 'failed') return { state: 'failed', reason: release.failure?.reason, message: release.failure?.message ?? 'release failed' };
    if (Date.now() > deadline) return { state: 'deploying', reason: 'Timeout', message: `app ${app}: build ${build.state}, release ${release?.status ?? 'not created'} after ${params.deadlineSeconds}s` };
    await new Promise((r) => setTimeout(r, 500));
  }
}
