// `slipway promote` and `slipway abort`: commands for a blue-green or canary rollout in flight.
import { SETTLED_RELEASE_STATES, type Release } from '../../store/types.js';
import { rolloutInFlight, rolloutSummary } from '../../store/views.js';
import { CliError, type ApiClient } from '../client.js';
import { apiPath } from '../api-path.js';

type Print = (line: string) => void;

const POLL_MS = 500;
/** The deploy job looks for a command every second: a promote not taken by then is stuck behind something. */
const TAKEN_TIMEOUT_S = 15;
/** An abort ends when the stable release is back and judged: a rollout's worth of time. */
const ABORT_TIMEOUT_S = 600;

const headline = (release: Release) => rolloutSummary(release)[0] ?? `release ${release.number} ${release.status}`;
const lastEvent = (release: Release) => JSON.stringify(release.progress?.events.at(-1) ?? null);

/** Polls release `number` until `done` says so; undefined when `timeoutSeconds` pass first. */
async function follow(params: { client: ApiClient; app: string; number: number; done: (r: Release) => boolean; timeoutSeconds: number }): Promise<Release | undefined> {
  const deadline = Date.now() + params.timeoutSeconds * 1000;
  for (;;) {
    const release = await params.client.get<Release>(apiPath`/apps/${params.app}/releases/${params.number}`);
    if (params.done(release)) return release;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * `slipway promote <app> [--full]`: a canary goes to its next step (`--full`: to 100%), a
 * blue-green preview is switched to, a blue-green scale-down window ends now. Prints the rollout
 * as it stood, then (unless `--no-wait`) as it stands once the deploy job took the command.
 */
export async function promoteCommand(params: { client: ApiClient; app: string; full: boolean; wait: boolean; print: Print }): Promise<void> {
  const { client, app, print } = params;
  const release = await client.post<Release>(apiPath`/apps/${app}/promote`, params.full ? { full: true } : {});
  print(`--> release ${release.number}: ${params.full ? 'promote to 100%' : 'promote'} sent; ${headline(release)}`);
  if (!params.wait) return;
  const before = lastEvent(release);
  const taken = await follow({ client, app, number: release.number, done: (r) => lastEvent(r) !== before || r.status !== release.status, timeoutSeconds: TAKEN_TIMEOUT_S });
  if (!taken) throw new CliError(`release ${release.number} has not taken the promote after ${TAKEN_TIMEOUT_S}s (is a deploy worker running?); it stays asked for an hour; see: slipway status ${app}`);
  print(`    now ${headline(taken)}`);
}

/** `slipway abort <app>`: all traffic back on the release that served before; waits until it is. */
export async function abortCommand(params: { client: ApiClient; app: string; wait: boolean; print: Print }): Promise<void> {
  const { client, app, print } = params;
  const release = await client.post<Release>(apiPath`/apps/${app}/abort`, {});
  print(`--> release ${release.number}: abort sent; ${headline(release)}`);
  if (params.wait) await followAbort({ client, app, release, print });
}

/**
 * Waits for an aborted rollout to end: the release failed (Aborted, or whatever failed it first)
 * with the traffic back on the stable release. A release that went on to be current took the
 * abort too late (a blue-green scale-down window that ended): that is an error saying what to do.
 */
export async function followAbort(params: { client: ApiClient; app: string; release: Release; print: Print }): Promise<void> {
  const { client, app, release, print } = params;
  const settled = await follow({ client, app, number: release.number, done: (r) => SETTLED_RELEASE_STATES.includes(r.status) && !rolloutInFlight(r), timeoutSeconds: ABORT_TIMEOUT_S });
  if (!settled) throw new CliError(`release ${release.number} is still rolling back after ${ABORT_TIMEOUT_S}s; see: slipway status ${app}`);
  if (settled.status === 'current') {
    throw new CliError(`release ${settled.number} stayed current: the abort came after its rollout ended; go back with: slipway rollback ${app}`);
  }
  const back = settled.rolledBackTo ? `; release ${settled.rolledBackTo.number} ${settled.rolledBackTo.ready ? 'serves again' : `is not ready: ${settled.rolledBackTo.message}`}` : '';
  print(`    release ${settled.number} ${settled.status}${settled.failure ? ` (${settled.failure.reason})` : ''}${back}; ${headline(settled)}`);
}
