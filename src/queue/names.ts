// Queue names and job payloads: producers and processors import these, never string literals.
export const QUEUES = {
  builds: 'builds',
  deploys: 'deploys',
} as const;

export interface BuildJob {
  buildId: string;
  app: string;
}

/**
 * A deploy job rolls out a release that exists (`release`), or first makes the release of a
 * build that succeeded (`build`): the build side only reports "build N succeeded with digest D"
 * and the release side decides whether and how it becomes a release. `pullSecretFor`: keep the
 * registry pull secret in that namespace (a template provisioned there), which only the deploy
 * worker can do: it alone holds the registry credentials.
 */
export type DeployJob = { app: string; release: number } | { app: string; build: string } | { app: string; pullSecretFor: string };
