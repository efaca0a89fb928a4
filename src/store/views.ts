// Shapes the API answers with that are not stored records (those are in src/store/types.ts).
// No imports: the dashboard (web/) reads these types too.

export type HealthState = 'healthy' | 'degraded' | 'down' | 'stopped' | 'not-deployed';

export interface PodHealth {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** The release label of the pod (which release it runs). */
  release?: string;
  /** Why a container is not running (CrashLoopBackOff, ImagePullBackOff, ...). */
  reason?: string;
}

export interface AppHealth {
  state: HealthState;
  kind?: string;
  namespace: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  pods: PodHealth[];
}

/** GET /apps/:app/status: the app's health with the release that should be running. */
export interface AppStatus extends AppHealth {
  app: string;
  currentRelease: number | null;
}

/** GET /databases: one workload a template provisioned. */
export interface ProvisionedDatabase {
  namespace: string;
  name: string;
  kind: string;
  template: string;
  image?: string;
  desired: number;
  ready: number;
  state: 'healthy' | 'degraded' | 'down' | 'stopped';
  /** Secrets the pods read (what an app links to with --link-db): names and keys, never values. */
  secrets: Array<{ name: string; keys: string[] }>;
  services: Array<{ name: string; ports: number[] }>;
  volumes: Array<{ name: string; phase?: string; capacity?: string }>;
  createdAt?: string;
}
