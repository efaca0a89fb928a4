import type { ReleaseStore } from '../../src/store/release-store.js';
import type { App, Progress, Release } from '../../src/store/types.js';

/**
 * Writes release records as a blue-green or canary rollout leaves them, straight into the store:
 * for the routes, the CLI and the dashboard, which read and command a rollout but do not run one
 * (test/e2e/progressive-*.test.ts run real ones). Each is taken off the unsettled index, since no
 * deploy job stands behind it for a reconciler to find missing.
 */
export async function saveReleases(params: { releases: ReleaseStore; app: App; records: Array<Partial<Release> & Pick<Release, 'status'>> }): Promise<Release[]> {
  const saved: Release[] = [];
  for (const record of params.records) {
    const number = await params.releases.nextNumber(params.app.name);
    const release: Release = {
      app: params.app.name,
      number,
      image: `127.0.0.1:5000/${params.app.name}@sha256:${String(number).repeat(64).slice(0, 64)}`,
      config: params.app.deploy,
      port: params.app.port,
      configHash: `hash-${number}`,
      manifests: [],
      trigger: { kind: 'api' },
      createdAt: new Date().toISOString(),
      ...record,
    };
    saved.push(await params.releases.save(release));
    await params.releases.unindex(release.app, release.number);
    if (release.status === 'current') await params.releases.setCurrent(release.app, release.number);
  }
  return saved;
}

/** A canary at step 2 of 3, paused, with step 1's analysis passed: `stable` serves the rest. */
export function pausedCanary(stable: number): Progress {
  const at = new Date().toISOString();
  return {
    strategy: 'Canary',
    stable,
    phase: 'paused',
    step: 2,
    steps: [10, 50, 100],
    share: 50,
    replicas: { release: 2, stable: 2 },
    pausedUntil: new Date(Date.now() + 3600_000).toISOString(),
    analyses: [
      {
        step: 1,
        weight: 10,
        share: 25,
        replicas: { release: 1, stable: 3 },
        state: 'passed',
        message: '1/1 pods ready, 0 restarts; verification passed: 20 of 20 answered',
        restarts: 0,
        verification: { state: 'passed', message: '20 of 20 answered', path: '/', requests: 20, failed: 0, statuses: { '200': 20 } },
        startedAt: at,
        finishedAt: at,
      },
    ],
    events: [{ at, message: `canary 10% → 50% → 100% from release ${stable}` }],
  };
}
