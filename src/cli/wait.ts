import { FINAL_BUILD_STATES, SETTLED_RELEASE_STATES, type Build, type Release } from '../store/types.js';
import { verificationSummary } from '../store/views.js';
import { CliError, type ApiClient } from './client.js';
import { apiPath } from './api-path.js';

const POLL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a build until it ends, printing each state it passes through. */
export async function waitForBuild(params: { client: ApiClient; buildId: string; print: (line: string) => void; timeoutSeconds: number }): Promise<Build> {
  const { client, buildId, print } = params;
  const deadline = Date.now() + params.timeoutSeconds * 1000;
  let shown = '';
  for (;;) {
    const build = await client.get<Build>(apiPath`/builds/${buildId}`);
    if (build.state !== shown) {
      shown = build.state;
      print(`  build ${build.id}: ${build.state}${build.strategy && build.state === 'building' ? ` (${build.strategy.name}: ${build.strategy.reasons.join(', ')})` : ''}`);
    }
    if (FINAL_BUILD_STATES.includes(build.state)) return build;
    if (Date.now() > deadline) throw new CliError(`build ${buildId} is still ${build.state} after ${params.timeoutSeconds}s; follow it with: slipway logs -f ${buildId}`);
    await sleep(POLL_MS);
  }
}

/** Polls until the release matching `pick` is current or failed. */
export async function waitForRelease(params: {
  client: ApiClient;
  app: string;
  pick: (r: Release) => boolean;
  print: (line: string) => void;
  timeoutSeconds: number;
}): Promise<Release> {
  const { client, app, pick, print } = params;
  const deadline = Date.now() + params.timeoutSeconds * 1000;
  let shown = '';
  for (;;) {
    const { releases } = await client.get<{ releases: Release[] }>(apiPath`/apps/${app}/releases`);
    const release = releases.find(pick);
    if (release && release.status !== shown) {
      shown = release.status;
      const verified = release.status === 'current' && release.verification ? ` (verification ${verificationSummary(release.verification)})` : '';
      print(`  release ${release.number}: ${release.status}${verified}`);
    }
    if (release && SETTLED_RELEASE_STATES.includes(release.status)) return release;
    if (Date.now() > deadline) throw new CliError(`no settled release of ${app} after ${params.timeoutSeconds}s; see: slipway releases ${app}`);
    await sleep(POLL_MS);
  }
}

/** One line for a failed release: reason, message, and what was rolled back to. */
export function describeFailure(release: Release): string {
  const back = release.rolledBackTo ? `; rolled back to release ${release.rolledBackTo.number}${release.rolledBackTo.ready ? '' : ' (not ready either)'}` : '';
  // A crashed container's last words: what a user needs first, without a trip to kubectl logs.
  const logs = (release.failure?.pods ?? [])
    .filter((p) => p.log)
    .map((p) => `\n  last log lines of ${p.pod}${p.exitCode !== undefined ? ` (exit code ${p.exitCode})` : ''}:\n${indent(p.log ?? '')}`);
  return `release ${release.number} failed: ${release.failure?.reason}: ${release.failure?.message}${back}${logs.join('')}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
