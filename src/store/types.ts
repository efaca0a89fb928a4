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
  /** Jobs run from the release's image before the rollout (`pre`) and once it is ready (`post`). */
  hooks?: { pre?: HookSpec; post?: PostHookSpec };
  /** How a Deployment replaces its pods; unset: Recreate with a ReadWriteOnce volume, else Rolling. */
  strategy?: StrategySpec;
  /** PersistentVolumeClaims `<app>-<name>` mounted into the app's container. */
  volumes?: VolumeSpec[];
  /** Unset: readiness from `readinessPath` (HTTP) or a TCP connect; no liveness probe. */
  probes?: { readiness?: ProbeSpec; liveness?: ProbeSpec };
  /**
   * The app's secret env: only which version and which keys. Values live in Redis apart from
   * every record the API returns, and in the immutable Secret `<app>-secret-<version>`.
   */
  secret?: { version: string; keys: string[] };
}

export interface HookSpec {
  /** The container command, e.g. `["sh", "-c", "python manage.py migrate"]`. */
  command: string[];
  /** The Job's activeDeadlineSeconds; Slipway gives up a little after it too. */
  timeoutSeconds: number;
  /** Annotations on the hook's pod (not the app's podAnnotations: a hook is not a server). */
  podAnnotations?: Record<string, string>;
}

export interface PostHookSpec extends HookSpec {
  /** A failed post hook is only recorded (`report`) or rolls the release back (`rollback`). */
  onFailure: 'report' | 'rollback';
}

export interface StrategySpec {
  type: 'Rolling' | 'Recreate';
  maxSurge?: string | number;
  maxUnavailable?: string | number;
}

export type VolumeAccessMode = 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadWriteMany' | 'ReadOnlyMany';

export interface VolumeSpec {
  name: string;
  mountPath: string;
  size: string;
  accessMode: VolumeAccessMode;
  storageClass?: string;
}

export interface ProbeSpec {
  type: 'http' | 'tcp' | 'exec' | 'off';
  /** http: the GET path. */
  path?: string;
  /** http/tcp: a port number; default the app's port. */
  port?: number;
  /** exec: the command. */
  command?: string[];
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  timeoutSeconds?: number;
}

/** What one hook Job came to, kept on the release. */
export interface HookRun {
  phase: 'pre' | 'post';
  job: string;
  state: 'running' | 'succeeded' | 'failed';
  /** Job condition reason (BackoffLimitExceeded, DeadlineExceeded) or a container's (Error, ErrImagePull). */
  reason?: string;
  message?: string;
  pod?: string;
  exitCode?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  /** The pod's log when the cluster could give it; else why not. */
  log?: string;
  logError?: string;
  startedAt: string;
  finishedAt?: string;
}

export type ReleaseStatus = 'pending' | 'deploying' | 'current' | 'superseded' | 'failed' | 'rolled-back';

export interface ReleaseTrigger {
  kind: 'webhook' | 'api' | 'cli' | 'rollback' | 'config' | 'restart';
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
  /** A restart: the pod-template timestamp that makes every pod be replaced. */
  restartedAt?: string;
  hooks?: { pre?: HookRun; post?: HookRun };
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
