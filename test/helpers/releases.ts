import type { ReleaseStore } from '../../src/store/release-store.js';
import { SETTLED_RELEASE_STATES, type Release } from '../../src/store/types.js';
import { waitFor } from './wait.js';

/** Waits until release `number` of `app` is settled: current, failed, superseded or rolled back (it may not exist yet). */
export async function settledRelease(params: { releases: ReleaseStore; app: string; number: number; timeoutMs?: number }): Promise<Release> {
  const { releases, app, number } = params;
  let last: Release | undefined;
  return waitFor({
    timeoutMs: params.timeoutMs ?? 300_000,
    intervalMs: 250,
    check: async () => {
      last = await releases.find(app, number);
      return last && SETTLED_RELEASE_STATES.includes(last.status) ? last : undefined;
    },
    message: () => `release ${app}#${number} is ${last?.status ?? 'not created'}`,
  });
}
