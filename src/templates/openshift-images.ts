// OpenShift's image pipeline, for translate-openshift.ts: BuildConfigs become the Slipway apps
// that build the same images from the same git source; ImageStreams and image triggers decide
// which container runs an app's build (an image binding), an image a stream imports, or
// something this template cannot provide (reported). The `openshift` namespace's standard streams
// resolve through the image-stream map (openshift-streams.ts). Pure, like its caller.
import { streamBuilder, streamImage, type OpenShiftImages } from './openshift-streams.js';
import type { TemplateApp, Translation, Unsupported } from './translation.js';

/** The image OpenShift templates give a container that a trigger fills in. */
export const UNRESOLVED_IMAGE = ' ';

// Reading untyped objects; translate-openshift.ts uses the same accessors.
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const rec = (v: unknown): Obj => (isObj(v) ? v : {});
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
export const identity = (o: Obj): { kind: string; name: string } => ({ kind: str(o.kind) ?? '(no kind)', name: str(rec(o.metadata).name) ?? '(no name)' });
export const label = (o: Obj): string => `${identity(o).kind}/${identity(o).name}`;

/** Where each workload kind holds its pod spec, as image.openshift.io/triggers fieldPaths spell it. */
export const POD_SPEC_PATH = new Map(Object.entries({
  Deployment: 'spec.template.spec', StatefulSet: 'spec.template.spec', Job: 'spec.template.spec', CronJob: 'spec.jobTemplate.spec.template.spec',
}));
const IMAGE_TRIGGERS = 'image.openshift.io/triggers';
/** The integrated registry's service names (4.x, 3.x): `<registry>/<namespace>/<stream>[:tag]` is an ImageStreamTag. */
const INTERNAL_REGISTRY = /^(?:image-registry\.openshift-image-registry\.svc|docker-registry\.default\.svc)(?::\d+)?\/([^/]+)\/([^/@]+)$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Webhook trigger types and the field holding their parameters, in the order Slipway prefers them. */
const WEBHOOKS = [['GitHub', 'github'], ['GitLab', 'gitlab'], ['Bitbucket', 'bitbucket'], ['Generic', 'generic']] as const;
/** OpenShift reads a webhook secretReference's value from this key. */
const WEBHOOK_SECRET_KEY = 'WebHookSecretKey';

/** OpenShift's shared namespace of image streams (the Samples Operator's). */
const SHARED_NAMESPACE = 'openshift';

type ImageSource = { app: string } | { image: string; note?: string } | { missing: string; reason: string };
type ContainerSelector = { name: string } | { index: number; init: boolean };
/** A trigger that sets a container's image from an ImageStreamTag (`from`). */
export interface ImageTrigger {
  from: Obj;
  container: ContainerSelector;
  what: string;
}
export interface ImageContext {
  out: Pick<Translation, 'apps' | 'imageBindings' | 'unsupported' | 'notes'>;
  /** The template's ImageStreams by name. */
  streams: Map<string, Obj>;
  /** What a BuildConfig pushes (`stream:tag`, or a DockerImage reference) → the app that builds it. */
  builtBy: Map<string, string>;
  /** The `openshift` namespace's streams → images (config: SLIPWAY_OPENSHIFT_IMAGES). */
  images: OpenShiftImages;
}

/** Adds the app a BuildConfig describes (or reports why not); returns its name. */
export function addBuildConfig(params: { buildConfig: Obj; secrets: Map<string, Obj>; ctx: ImageContext }): string | undefined {
  const { buildConfig, secrets, ctx } = params;
  const importedImage = (ref: string): string | undefined => {
    if (!ownStream(ref.split(':')[0]!, ctx)) return undefined;
    const source = resolveTag({ ref, ctx });
    return 'image' in source ? source.image : undefined;
  };
  const result = buildConfigToApp({ buildConfig, secrets, importedImage, ownStream: (stream) => ownStream(stream, ctx) });
  ctx.out.unsupported.push(...result.unsupported);
  ctx.out.notes.push(...result.notes);
  const { app, output } = result;
  if (!app || !output) return undefined;
  if (ctx.out.apps.some((a) => a.name === app.name)) {
    ctx.out.unsupported.push({ ...identity(buildConfig), reason: `another BuildConfig already builds app ${app.name}` });
    return undefined;
  }
  ctx.out.apps.push(app);
  ctx.builtBy.set(output.ref, app.name);
  return app.name;
}

interface BuildConfigTranslation {
  app?: TemplateApp;
  /** What the build pushes: `stream:tag` for an ImageStreamTag, the reference for a DockerImage. */
  output?: { kind: 'ImageStreamTag' | 'DockerImage'; ref: string };
  unsupported: Unsupported[];
  notes: string[];
}

function buildConfigToApp(params: {
  buildConfig: Obj;
  /** The template's Secrets by name, for webhook secretReferences. */
  secrets: Map<string, Obj>;
  /** The image a same-template ImageStreamTag (`is:tag`) imports, if it imports one. */
  importedImage: (ref: string) => string | undefined;
  /** Whether the template itself holds (or builds) this stream: if not, a bare `stream:tag` is the openshift namespace's. */
  ownStream: (stream: string) => boolean;
}): BuildConfigTranslation {
  const { buildConfig, secrets, importedImage, ownStream } = params;
  const name = str(rec(buildConfig.metadata).name) ?? '(no name)';
  const unsupported: Unsupported[] = [];
  const notes: string[] = [];
  const fail = (reason: string): BuildConfigTranslation => ({ unsupported: [{ kind: 'BuildConfig', name, reason }], notes });
  const where = `BuildConfig/${name}`;

  const spec = rec(buildConfig.spec);
  const source = rec(spec.source);
  if (source.type === 'Binary' || isObj(source.binary)) return fail('binary source (oc start-build --from-dir) is not supported: Slipway builds from git');
  if (str(source.dockerfile)) return fail('an inline Dockerfile (source.dockerfile) is not supported: Slipway builds the Dockerfile in the repository');
  const repo = str(rec(source.git).uri);
  if (!repo) return fail('no git source (spec.source.git.uri): Slipway builds from git');

  const strategy = rec(spec.strategy);
  const type = str(strategy.type) ?? (isObj(strategy.dockerStrategy) ? 'Docker' : isObj(strategy.sourceStrategy) ? 'Source' : undefined);
  if (type !== 'Docker' && type !== 'Source') return fail(`strategy ${type ?? '(none)'} is not supported: Slipway builds a Dockerfile or runs an S2I builder`);

  const to = rec(rec(spec.output).to);
  const toName = str(to.name);
  if (!toName) return fail('no output image (spec.output.to): the build would deploy nothing');
  let output: BuildConfigTranslation['output'];
  let appName: string;
  if ((str(to.kind) ?? 'ImageStreamTag') === 'ImageStreamTag') {
    const [stream = '', tag = 'latest'] = toName.split(':');
    output = { kind: 'ImageStreamTag', ref: `${stream}:${tag}` };
    appName = stream;
  } else if (to.kind === 'DockerImage') {
    output = { kind: 'DockerImage', ref: toName };
    appName = toName.split('@')[0]!.split('/').pop()!.split(':')[0]!;
    notes.push(`${where}: builds push to Slipway's registry, not ${toName}`);
  } else {
    return fail(`output kind ${String(to.kind)} is not supported (ImageStreamTag or DockerImage)`);
  }
  if (!DNS_LABEL.test(appName)) return fail(`app name "${appName}" (from the output image) is not a DNS label`);

  const strategyParams = rec(type === 'Docker' ? strategy.dockerStrategy : strategy.sourceStrategy);
  const app: TemplateApp = { name: appName, repo, strategy: type === 'Docker' ? 'docker' : 'source', buildEnv: {} };
  const ref = str(rec(source.git).ref);
  if (ref) app.ref = ref;
  const contextDir = str(source.contextDir);
  if (contextDir) app.contextDir = contextDir;

  for (const e of list(strategyParams.env)) {
    const key = str(e.name);
    if (!key) continue;
    if (e.valueFrom !== undefined) unsupported.push({ kind: 'BuildConfig', name, reason: `build env ${key} uses valueFrom; Slipway build env holds literal values only` });
    else app.buildEnv[key] = typeof e.value === 'string' ? e.value : '';
  }
  const from = rec(strategyParams.from);
  const fromName = str(from.name);
  if (type === 'Docker') {
    const dockerfilePath = str(strategyParams.dockerfilePath);
    if (dockerfilePath) app.dockerfilePath = dockerfilePath;
    const buildArgs = list(strategyParams.buildArgs).filter((a) => str(a.name) && typeof a.value === 'string');
    if (buildArgs.length > 0) app.buildArgs = Object.fromEntries(buildArgs.map((a) => [a.name as string, a.value as string]));
    if (fromName) notes.push(`${where}: dockerStrategy.from (${fromName}) would replace the Dockerfile's FROM; Slipway builds the Dockerfile as written`);
  } else if (fromName) {
    // A builder from the same template's ImageStream resolves to the image it imports; one of the
    // `openshift` namespace's language streams picks Slipway's builder and version; anything
    // else is kept by name.
    const namespace = str(from.namespace);
    const imported = from.kind === 'ImageStreamTag' && !namespace ? importedImage(fromName) : undefined;
    app.builderImage = imported ?? fromName;
    const [stream = '', tag = 'latest'] = fromName.split(':');
    const shared = from.kind === 'ImageStreamTag' && !imported && (namespace === SHARED_NAMESPACE || (!namespace && !ownStream(stream)));
    const pick = shared ? streamBuilder(stream, tag) : undefined;
    const named = `${namespace ? `${namespace}/` : ''}${fromName}`;
    if (pick && 'builder' in pick) {
      app.builder = pick.builder;
      notes.push(`${where}: builder ImageStreamTag ${named} → Slipway builder ${pick.builder}`);
      if (pick.note) notes.push(`${where}: ${pick.note}`);
    } else if (pick) {
      unsupported.push({ kind: 'BuildConfig', name, reason: `${pick.unsupported}; the app's builder is detected from its repository` });
    } else if (from.kind === 'ImageStreamTag' && !imported) {
      notes.push(`${where}: builder ImageStreamTag ${named} is not a language stream of the openshift namespace; the app's builder is detected from its repository`);
    }
  }

  for (const key of ['images', 'secrets', 'configMaps'] as const) {
    if (list(source[key]).length > 0) unsupported.push({ kind: 'BuildConfig', name, reason: `build inputs from source.${key} are not supported` });
  }
  const sourceSecret = str(rec(source.sourceSecret).name);
  if (sourceSecret) notes.push(`${where}: git credentials in Secret ${sourceSecret} must be configured in Slipway for this repo`);

  Object.assign(app, webhookSecret({ triggers: list(spec.triggers), secrets, where, notes }));
  const postCommit = rec(spec.postCommit);
  const hook: NonNullable<TemplateApp['postCommit']> = {};
  if (str(postCommit.script)) hook.script = postCommit.script as string;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  if (strings(postCommit.command).length > 0) hook.command = strings(postCommit.command);
  if (strings(postCommit.args).length > 0) hook.args = strings(postCommit.args);
  if (Object.keys(hook).length > 0) app.postCommit = hook;
  return { app, output, unsupported, notes };
}

/** The app's webhook secret from the BuildConfig's GitHub/GitLab/Bitbucket/Generic triggers. */
function webhookSecret(params: { triggers: Obj[]; secrets: Map<string, Obj>; where: string; notes: string[] }): Pick<TemplateApp, 'webhookSecret' | 'webhookSecretRef'> {
  const { triggers, secrets, where, notes } = params;
  const found: Array<{ value?: string; ref?: string }> = [];
  for (const [type, field] of WEBHOOKS) {
    for (const t of triggers.filter((x) => x.type === type)) {
      const p = rec(t[field]);
      const ref = str(rec(p.secretReference).name);
      if (str(p.secret)) found.push({ value: p.secret as string });
      else if (ref) found.push({ value: secretValue(secrets.get(ref)), ref });
    }
  }
  for (const t of triggers) {
    if (t.type === 'ConfigChange') notes.push(`${where}: ConfigChange trigger: Slipway starts the first build when it creates the app`);
    if (t.type === 'ImageChange') notes.push(`${where}: ImageChange trigger (rebuild when the builder image changes) is not carried; rebuilds come from webhooks`);
  }
  const distinct = new Set(found.map((f) => f.value ?? `ref:${f.ref}`));
  if (distinct.size > 1) notes.push(`${where}: ${distinct.size} different webhook secrets; Slipway keeps one per app, the first (${WEBHOOKS.map(([t]) => t).join(' > ')})`);
  const first = found[0];
  if (!first) return {};
  if (first.value !== undefined) return { webhookSecret: first.value };
  notes.push(`${where}: webhook secret is in Secret ${first.ref} (key ${WEBHOOK_SECRET_KEY}), which is not in the template; look it up`);
  return { webhookSecretRef: first.ref };
}

function secretValue(secret: Obj | undefined): string | undefined {
  if (!secret) return undefined;
  const plain = str(rec(secret.stringData)[WEBHOOK_SECRET_KEY]);
  if (plain) return plain;
  const encoded = str(rec(secret.data)[WEBHOOK_SECRET_KEY]);
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}

/** Triggers from a Kubernetes workload's image.openshift.io/triggers annotation. */
export function annotationTriggers(o: Obj, ctx: ImageContext): ImageTrigger[] {
  const raw = rec(rec(o.metadata).annotations)[IMAGE_TRIGGERS];
  if (raw === undefined) return [];
  const fail = (reason: string): void => void ctx.out.unsupported.push({ ...identity(o), reason });
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    fail(`${IMAGE_TRIGGERS} is not a JSON array of triggers`);
    return [];
  }
  const base = `${POD_SPEC_PATH.get(String(o.kind))}.`;
  const triggers: ImageTrigger[] = [];
  for (const t of parsed.filter(isObj)) {
    const fieldPath = str(t.fieldPath) ?? '';
    if (t.paused === true) {
      ctx.out.notes.push(`${label(o)}: paused trigger on ${fieldPath} is not bound`);
      continue;
    }
    const container = fieldPath.startsWith(base) ? containerSelector(fieldPath.slice(base.length)) : undefined;
    if (container) triggers.push({ from: rec(t.from), container, what: `${IMAGE_TRIGGERS} trigger` });
    else fail(`${IMAGE_TRIGGERS} fieldPath "${fieldPath}" is not a container image (${base}containers[?(@.name=="web")].image or ${base}containers[0].image)`);
  }
  return triggers;
}

/** The selectors openshift-controller-manager accepts (annotations.go): an index, or a name filter in either quote style. */
function containerSelector(path: string): ContainerSelector | undefined {
  const match = /^(containers|initContainers)\[(.+)\]\.image$/.exec(path);
  if (!match) return undefined;
  const [, field, selector = ''] = match;
  if (/^\d+$/.test(selector)) return { index: Number(selector), init: field === 'initContainers' };
  const byName = /^\?\(@\.name==?(["'])(.+)\1\)$/.exec(selector);
  return byName ? { name: byName[2]! } : undefined;
}

/**
 * Points each container at its image: a trigger's ImageStreamTag, else an image naming one of
 * the template's ImageStreams. An app's build becomes an image binding; an imported image is
 * written in; anything else (e.g. the `openshift` namespace's streams) is reported.
 */
export function bindImages(params: { source: Obj; workload: Obj; triggers: ImageTrigger[]; ctx: ImageContext }): void {
  const { source, workload, triggers, ctx } = params;
  const podSpec = String(POD_SPEC_PATH.get(String(workload.kind))).split('.').reduce<Obj>((at, key) => rec(at[key]), workload);
  const [containers, inits] = [list(podSpec.containers), list(podSpec.initContainers)];
  const bound = new Set<Obj>();
  const fail = (reason: string): void => void ctx.out.unsupported.push({ ...identity(source), reason });
  const apply = (container: Obj, image: ImageSource, what: string): void => {
    const name = String(container.name);
    bound.add(container);
    if ('missing' in image) return fail(`container ${name}: ${what} refers to ImageStreamTag ${image.missing}, ${image.reason}; set the container image`);
    container.image = 'app' in image ? UNRESOLVED_IMAGE : image.image;
    if ('app' in image) ctx.out.imageBindings.push({ ...identity(workload), container: name, app: image.app });
    ctx.out.notes.push(`${label(source)}: container ${name}: ${what} → ${'app' in image ? `the latest build of app ${image.app}` : image.image}`);
    if ('note' in image && image.note) ctx.out.notes.push(`${label(source)}: container ${name}: ${image.note}`);
  };
  for (const t of triggers) {
    const sel = t.container;
    const container = 'name' in sel ? [...containers, ...inits].find((c) => c.name === sel.name) : (sel.init ? inits : containers)[sel.index];
    const ref = str(t.from.name) ?? '';
    if (!container) {
      fail(`${t.what} targets container ${'name' in sel ? sel.name : `#${sel.index}`}, which the pod template does not have`);
    } else if (t.from.kind !== 'ImageStreamTag') {
      bound.add(container);
      fail(`${t.what} from ${String(t.from.kind)} is not supported (ImageStreamTag only)`);
    } else {
      apply(container, resolveTag({ ref, namespace: str(t.from.namespace), ctx }), `${t.what} on ${ref}`);
    }
  }
  for (const container of [...inits, ...containers].filter((c) => !bound.has(c))) {
    const image = typeof container.image === 'string' ? container.image.trim() : '';
    if (!image) {
      fail(`container ${String(container.name)} has no image and no trigger fills it in`);
      continue;
    }
    // A DockerImage output is matched as written; anything else only when it names an ImageStream.
    const built = ctx.builtBy.get(image);
    const ref = built ? undefined : imageStreamReference(image, ctx);
    if (built) apply(container, { app: built }, `image ${image}`);
    else if (ref) apply(container, resolveTag({ ...ref, ctx }), `image ${image}`);
  }
}

/**
 * `stream[:tag]` when a container image names an ImageStream: the integrated registry's (in the
 * `openshift` namespace, one of its standard streams; in any other, taken as the template's own,
 * whose namespace is the project's), or one of the template's.
 */
function imageStreamReference(image: string, ctx: ImageContext): { ref: string; namespace?: string } | undefined {
  const internal = INTERNAL_REGISTRY.exec(image);
  if (internal) return { ref: internal[2]!, ...(internal[1] === SHARED_NAMESPACE && { namespace: SHARED_NAMESPACE }) };
  if (image.includes('/') || image.includes('@')) return undefined;
  const stream = image.split(':')[0]!;
  return ownStream(stream, ctx) ? { ref: image } : undefined;
}

/** Whether the template holds an ImageStream of this name, or a BuildConfig pushing to one. */
function ownStream(stream: string, ctx: ImageContext): boolean {
  return ctx.streams.has(stream) || [...ctx.builtBy.keys()].some((k) => k.startsWith(`${stream}:`));
}

/**
 * What `stream:tag` holds: an app's build, an image the stream imports (following tag aliases),
 * one of the `openshift` namespace's standard streams from the image-stream map — named with
 * that namespace, or bare when the template holds no such stream, as sclorg's templates name
 * `postgresql:12-el8` — or nothing known.
 */
function resolveTag(params: { ref: string; namespace?: string; ctx: ImageContext; seen?: Set<string> }): ImageSource {
  const { ref, namespace, ctx, seen = new Set() } = params;
  const [stream = '', tag = 'latest'] = ref.split(':');
  const key = `${stream}:${tag}`;
  const shared = (): ImageSource | undefined => {
    const found = streamImage({ images: ctx.images, stream, tag });
    return found && { image: found.image, note: [`${key} is the ${SHARED_NAMESPACE} namespace's stream: Slipway's image-stream map (SLIPWAY_OPENSHIFT_IMAGES) gives ${found.image}`, found.note].filter(Boolean).join('; ') };
  };
  if (namespace === SHARED_NAMESPACE) return shared() ?? { missing: `${namespace}/${key}`, reason: `a stream Slipway's image-stream map (SLIPWAY_OPENSHIFT_IMAGES) does not have` };
  if (namespace) return { missing: `${namespace}/${key}`, reason: 'in a namespace whose streams Slipway cannot see' };
  const app = ctx.builtBy.get(key);
  if (app) return { app };
  const spec = rec(ctx.streams.get(stream)?.spec);
  const from = rec(list(spec.tags).find((t) => t.name === tag)?.from);
  const fromName = str(from.name);
  if (from.kind === 'DockerImage' && fromName) return { image: fromName };
  if (from.kind === 'ImageStreamTag' && fromName && !str(from.namespace) && !seen.has(key)) {
    return resolveTag({ ref: fromName.includes(':') ? fromName : `${stream}:${fromName}`, ctx, seen: seen.add(key) });
  }
  const repository = str(spec.dockerImageRepository);
  if (repository) return { image: `${repository}:${tag}` };
  return (!ownStream(stream, ctx) && shared()) || { missing: key, reason: 'which this template neither builds nor imports' };
}
