// Queue names and job payloads: producers and processors import these, never string literals.
export const QUEUES = {
  builds: 'builds',
} as const;

export interface BuildJob {
  buildId: string;
  app: string;
}
