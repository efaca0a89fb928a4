// The shapes the dashboard reads from the API.

// Records come from the server's own definitions (type-only: nothing of src/ is bundled).
export type { App, Build, Release } from '../../src/store/types.js';

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

export { FINAL_BUILD_STATES } from '../../src/store/types.js';
export const SETTLED_RELEASE_STATES = ['current', 'superseded', 'failed', 'rolled-back'];
