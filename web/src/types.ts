// The shapes the dashboard reads from the API (see src/store/types.ts and the route schemas).

export interface App {
  name: string;
  repo: string;
  branch: string;
  contextDir: string;
  port: number;
  deploy: { namespace: string; kind: string; replicas: number; autoDeploy: boolean };
  createdAt: string;
}

export interface Build {
  id: string;
  app: string;
  number: number;
  ref: string;
  sha: string;
  state: string;
  trigger: { kind: string; provider?: string };
  strategy?: { name: string; reasons: string[] };
  image?: { repository: string; tags: string[]; digest: string };
  failure?: { step: string; code: string; reason: string };
  cancellation?: { reason: string; step: string };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface Release {
  app: string;
  number: number;
  image: string;
  port: number;
  config: Record<string, unknown>;
  configHash: string;
  status: string;
  trigger: { kind: string; buildId?: string; rollbackOf?: number };
  failure?: { reason: string; message: string };
  rolledBackTo?: { number: number; ready: boolean; message: string };
  createdAt: string;
  finishedAt?: string;
}

export interface AppStatus {
  app: string;
  state: string;
  kind?: string;
  namespace: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  currentRelease: number | null;
  pods: Array<{ name: string; phase: string; ready: boolean; restarts: number; release?: string; reason?: string }>;
}

export interface Database {
  namespace: string;
  name: string;
  kind: string;
  template: string;
  image?: string;
  desired: number;
  ready: number;
  state: string;
  secrets: Array<{ name: string; keys: string[] }>;
  services: Array<{ name: string; ports: number[] }>;
  volumes: Array<{ name: string; phase?: string; capacity?: string }>;
  createdAt?: string;
}

export const FINAL_BUILD_STATES = ['succeeded', 'failed', 'cancelled'];
export const SETTLED_RELEASE_STATES = ['current', 'superseded', 'failed', 'rolled-back'];
