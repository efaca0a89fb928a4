// Records Slipway keeps in Redis.

export interface App {
  name: string;
  repo: string;
  branch: string;
  /** Directory inside the repo that is the build context. */
  contextDir: string;
  /** Dockerfile path relative to the context dir; when absent, detection decides. */
  dockerfile?: string;
  buildArgs: Record<string, string>;
  port: number;
  createdAt: string;
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
  /** On failure: the state the build was in and why. */
  failure?: { step: BuildState; code: string; reason: string; logTail: string[] };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}
