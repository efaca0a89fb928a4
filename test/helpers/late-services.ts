import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './wait.js';

// The test env's router (Traefik) and metrics-server are built and started by
// test/env/late-services.sh, which scripts/test.sh runs in the background while the other files
// run (on a fresh machine their Go builds take minutes). A file that needs either waits here
// first; scripts/test.sh finds such files by this import and runs them last.

/** The longest a file waits: a fresh machine's builds, niced under a running test file. */
export const LATE_SERVICES_TIMEOUT_MS = 40 * 60_000;

/** Resolves once the router and metrics-server are up; throws with their log if they failed. */
export async function lateServicesReady(): Promise<void> {
  const state = process.env.SLIPWAY_STATE;
  if (!state) throw new Error('SLIPWAY_STATE is not set: run tests with scripts/test.sh');
  const file = (name: string) => path.join(state, name);
  const read = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : '');
  const status = await waitFor({
    timeoutMs: LATE_SERVICES_TIMEOUT_MS,
    intervalMs: 1000,
    check: async () => read('late-services.status').trim() || (running(read('late-services.pid')) ? undefined : 'not started'),
    message: () => `the router and metrics-server were not up: ${read('late-services.log').slice(-2000)}`,
  });
  if (status !== 'ready') throw new Error(`the router and metrics-server are ${status} (test/env/late-services.sh): ${read('late-services.log').slice(-2000)}`);
}

function running(pid: string): boolean {
  if (!/^\d+$/.test(pid.trim())) return false;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}
