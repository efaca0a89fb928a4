// What translating an OpenShift template gives: the objects to apply, the apps to create and what
// could not be translated. Its own file because translate-openshift.ts and openshift-images.ts
// both fill it in, and neither may import the other back.

/** A Slipway app to create, from a BuildConfig (and the ImageStream it pushes to). */
export interface TemplateApp {
  /** The BuildConfig's output ImageStream name (a DNS label). */
  name: string;
  repo: string;
  ref?: string;
  contextDir?: string;
  strategy: 'docker' | 'source';
  dockerfilePath?: string;
  /** sourceStrategy.from: an ImageStreamTag name (`nodejs:20-ubi9`) or a DockerImage reference. */
  builderImage?: string;
  /** The Slipway builder a language stream of the `openshift` namespace picks: `python:3.8` for `python:3.8-ubi8`. */
  builder?: string;
  buildEnv: Record<string, string>;
  /** dockerStrategy.buildArgs (Slipway's App.buildArgs). */
  buildArgs?: Record<string, string>;
  webhookSecret?: string;
  /** The trigger's secret is in this Secret (key `WebHookSecretKey`), which the template does not hold: look it up. */
  webhookSecretRef?: string;
  postCommit?: { script?: string; command?: string[]; args?: string[] };
}

export interface Unsupported {
  kind: string;
  name: string;
  reason: string;
}

export interface Translation {
  /** Kubernetes objects to apply, without namespace, in apply order (Secrets ... workloads, Ingresses). */
  objects: Array<Record<string, unknown>>;
  apps: TemplateApp[];
  /** Workload containers whose image is an app's latest build; their image is left as UNRESOLVED_IMAGE. */
  imageBindings: Array<{ kind: string; name: string; container: string; app: string }>;
  /** wait-for-ready objects as translated (a DeploymentConfig as its Deployment); kind `App` = the app's first build. */
  waitForReady: Array<{ kind: string; name: string }>;
  unsupported: Unsupported[];
  notes: string[];
}
