// Queue names and job payloads: producers and processors import these, never string literals.
export const QUEUES = {
  builds: 'builds',
  deploys: 'deploys',
} as const;

export interface BuildJob {
  buildId: string;
  app: string;
}

export interface DeployJob {
  app: string;
  release: number;
}
