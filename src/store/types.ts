// Records Slipway keeps in Redis.

export interface App {
  name: string;
  repo: string;
  branch: string;
  /**
   * Branches whose pushes are built (`*` matches within a path segment, `**` across them);
   * unset means only `branch`. Only `branch`'s builds are deployed.
   */
  branches?: string[];
  /** Directory inside the repo that is the build context. */
  contextDir: string;
  /** Dockerfile path relative to the context dir; when absent, detection decides. */
  dockerfile?: string;
  buildArgs: Record<string, string>;
  /** An S2I builder chosen by name, instead of detection. */
  builder?: string;
  /** A test run in the built image before it is pushed (OpenShift's postCommit). */
  postCommit?: { script?: string; command?: string[]; args?: string[] };
  port: number;
  deploy: DeployConfig;
  createdAt: string;
}

/** How an app runs on Kubernetes. Every release keeps a copy, so a rollback restores it too. */
export interface DeployConfig {
  namespace: string;
  kind: 'Deployment' | 'StatefulSet';
  replicas: number;
  /** A successful build deploys itself. */
  autoDeploy: boolean;
  env: Record<string, string>;
  /** Ingress host; no Ingress without one. */
  host?: string;
  /** HTTP GET path of the readiness probe; without one the probe is a TCP connect to the port. */
  readinessPath?: string;
  /** Not ready this long after the apply → the rollout failed (long before Kubernetes' 600 s). */
  readinessDeadlineSeconds: number;
  /** A container restarting this often during a rollout → the rollout failed. */
  maxRestarts: number;
  podAnnotations: Record<string, string>;
  resources?: { cpu?: string; memory?: string };
  /** Secrets (in the app's namespace) whose keys become env vars, e.g. a linked database's. */
  links: string[];
  /** Render a Service for the app (off when a template brings its own). */
  service: boolean;
  /**
   * A pod spec brought by a template (its Deployment or DeploymentConfig): used as is, with
   * the release's image put into `container`.
   */
  podTemplate?: { container: string; labels: Record<string, string>; spec: Record<string, unknown> };
}

export type ReleaseStatus = 'pending' | 'deploying' | 'current' | 'superseded' | 'failed' | 'rolled-back';

export interface ReleaseTrigger {
  kind: 'webhook' | 'api' | 'cli' | 'rollback' | 'config';
  buildId?: string;
  /** For a rollback: the release whose spec this one restores. */
  rollbackOf?: number;
}

/** A numbered, immutable deployable: image digest + config + the exact manifests applied. */
export interface Release {
  app: string;
  number: number;
  image: string;
  config: DeployConfig;
  port: number;
  configHash: string;
  manifests: Array<Record<string, unknown>>;
  status: ReleaseStatus;
  trigger: ReleaseTrigger;
  /** Why it failed (a stable reason such as CrashLoopBackOff) and what Kubernetes said. */
  failure?: {
    reason: string;
    message: string;
    pods: Array<{ pod: string; container?: string; reason: string; message?: string; restartCount?: number }>;
    /** When the rollout was judged failed (the rollback decision). */
    detectedAt: string;
  };
  /** A failed release: which release was re-applied, whether and when it was ready again. */
  rolledBackTo?: { number: number; ready: boolean; message: string; settledAt: string };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export type BuildState = 'queued' | 'cloning' | 'building' | 'pushing' | 'succeeded' | 'failed' | 'cancelled';

export const FINAL_BUILD_STATES: readonly BuildState[] = ['succeeded', 'failed', 'cancelled'];

export interface BuildTrigger {
  kind: 'webhook' | 'api';
  provider?: string;
  deliveryId?: string;
}

export interface Strategy {
  /** `docker` or the S2I builder's name, e.g. `nodejs`. */
  name: string;
  /** Why it was chosen: the files that decided it. */
  reasons: string[];
}

export interface Build {
  id: string;
  app: string;
  number: number;
  ref: string;
  sha: string;
  state: BuildState;
  trigger: BuildTrigger;
  strategy?: Strategy;
  image?: { repository: string; tags: string[]; digest: string };
  /** Cancelled: why (superseded by a newer push, or asked through the API) and in which state. */
  cancellation?: { reason: string; step: BuildState };
  /** On failure: the state the build was in and why. */
  failure?: { step: BuildState; code: string; reason: string; logTail: string[] };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}
