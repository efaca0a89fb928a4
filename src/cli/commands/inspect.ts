import type { App, Build, Release } from '../../store/types.js';
import { rollbackAftermath, rollbackSummary, rolledBackOnto, rolloutSummary, verificationCounts, verificationSummary } from '../../store/views.js';
import { followAbort } from './rollout.js';
import { CliError, type ApiClient } from '../client.js';
import { describeFailure, waitForRelease } from '../wait.js';
import { apiPath, withQuery } from '../api-path.js';

type Print = (line: string) => void;
const when = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

export async function appsCommand(client: ApiClient, print: Print): Promise<void> {
  const { apps } = await client.get<{ apps: App[] }>(apiPath`/apps`);
  print(['NAME'.padEnd(24), 'NAMESPACE'.padEnd(20), 'BRANCH'.padEnd(12), 'REPO'].join(' '));
  for (const a of apps) print([a.name.padEnd(24), a.deploy.namespace.padEnd(20), a.branch.padEnd(12), a.repo].join(' '));
}

export async function buildsCommand(client: ApiClient, app: string, print: Print): Promise<void> {
  const { builds } = await client.get<{ builds: Build[] }>(apiPath`/apps/${app}/builds`);
  print(['BUILD'.padEnd(24), 'STATE'.padEnd(10), 'COMMIT'.padEnd(8), 'STRATEGY'.padEnd(9), 'CREATED'.padEnd(21), 'REASON'].join(' '));
  for (const b of builds) {
    print([b.id.padEnd(24), b.state.padEnd(10), b.sha.slice(0, 7).padEnd(8), (b.strategy?.name ?? '-').padEnd(9), when(b.createdAt).padEnd(21), b.failure ? `${b.failure.step}: ${b.failure.reason}` : ''].join(' '));
  }
}

/** Prints a build's log; with `follow`, streams it (SSE) until the build ends. */
export async function logsCommand(params: { client: ApiClient; buildId: string; follow: boolean; print: Print }): Promise<void> {
  const { client, buildId, follow, print } = params;
  if (!follow) {
    const res = await client.fetch(apiPath`/builds/${buildId}/logs`);
    if (!res.ok) throw new CliError(`build ${buildId}: ${((await res.json()) as { error?: { message?: string } }).error?.message ?? res.status}`);
    process.stdout.write(await res.text());
    return;
  }
  const res = await client.fetch(apiPath`/builds/${buildId}/logs`, { headers: { accept: 'text/event-stream' } });
  if (!res.ok || !res.body) throw new CliError(`build ${buildId}: cannot follow its log (${res.status})`);
  let buffer = '';
  let final = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').find((l) => l.startsWith('data: '))?.slice(6);
      if (!data) continue;
      if (event.includes('event: end')) final = (JSON.parse(data) as { state: string }).state;
      else print(JSON.parse(data) as string);
    }
  }
  if (final && final !== 'succeeded') throw new CliError(`build ${buildId} ${final}`);
}

export async function releasesCommand(client: ApiClient, app: string, print: Print): Promise<void> {
  const { current, releases } = await client.get<{ current: number | null; releases: Release[] }>(apiPath`/apps/${app}/releases`);
  const rolledBack = rolledBackOnto(releases, current);
  if (rolledBack) print(`${app} ${rollbackSummary(rolledBack)}`);
  print(['REL'.padEnd(4), 'STATUS'.padEnd(12), 'TRIGGER'.padEnd(14), 'IMAGE'.padEnd(20), 'CREATED'.padEnd(21), 'VERIFIED'.padEnd(22), 'REASON'].join(' '));
  for (const r of releases) {
    const trigger = r.trigger.kind === 'rollback' ? `rollback of ${r.trigger.rollbackOf}` : r.trigger.kind;
    const reason = r.failure ? `${r.failure.reason}${r.rolledBackTo ? ` → back to ${r.rolledBackTo.number}` : ''}` : '';
    print([String(r.number).padEnd(4), r.status.padEnd(12), trigger.padEnd(14), `…${r.image.slice(-17)}`.padEnd(20), when(r.createdAt).padEnd(21), verifiedColumn(r).padEnd(22), reason].join(' '));
    // What the automatic rollback put back and deleted, under the release it undid.
    for (const part of rollbackAftermath(r)) print(`${''.padEnd(5)}${part}`);
    // A blue-green or canary rollout: where it stands (or ended) and each step's analysis.
    for (const line of rolloutSummary(r)) print(`${''.padEnd(5)}${line}`);
  }
}

/** `200×20 p50 3ms` · `500×3 FAILED` · `off` · `-` (not verified: before verification existed, or still rolling out). */
function verifiedColumn(r: Release): string {
  const v = r.verification;
  if (!v) return '-';
  if (v.state === 'off') return 'off';
  const counts = verificationCounts(v, '×');
  const tail = v.state === 'failed' ? ' FAILED' : v.latencyMs ? ` p50 ${Math.round(v.latencyMs.p50)}ms` : '';
  return `${counts.join(',') || 'none'}${tail}`;
}

export async function rollbackCommand(params: { client: ApiClient; app: string; to?: string; wait: boolean; print: Print }): Promise<void> {
  const { client, app, print } = params;
  const release = await client.post<Release>(apiPath`/apps/${app}/rollback`, params.to ? { to: Number(params.to) } : {});
  // A blue-green release in its scale-down window: the release before still runs, so the API
  // aborts it (an instant switch back) instead of making a release; the answer is the aborted one.
  if (release.trigger.kind !== 'rollback') {
    print(`--> Release ${release.number} is in its blue-green scale-down window: aborted, switching back to release ${release.progress?.stable ?? 'before it'}`);
    if (params.wait) await followAbort({ client, app, release, print });
    return;
  }
  print(`--> Release ${release.number} restores release ${release.trigger.rollbackOf}`);
  if (!params.wait) return;
  const settled = await waitForRelease({ client, app, pick: (r) => r.number === release.number, print, timeoutSeconds: 600 });
  if (settled.status !== 'current') throw new CliError(describeFailure(settled));
}

export async function statusCommand(client: ApiClient, app: string, print: Print): Promise<void> {
  const target = await client.get<App>(apiPath`/apps/${app}`);
  const { current, releases } = await client.get<{ current: number | null; releases: Release[] }>(apiPath`/apps/${app}/releases`);
  const { builds } = await client.get<{ builds: Build[] }>(apiPath`/apps/${app}/builds`);
  print(`App:       ${target.name}  (${target.repo}#${target.branch})`);
  print(`Namespace: ${target.deploy.namespace}  ${target.deploy.kind} x${target.deploy.replicas}`);
  const live = releases.find((r) => r.number === current);
  print(`Current:   ${live ? `release ${live.number}, ${live.image}` : 'no release yet'}`);
  if (live) print(`Verified:  ${verificationSummary(live.verification)}`);
  const rolledBack = rolledBackOnto(releases, current);
  // Plainly why an older release runs: which one failed, why, and what the rollback put back and deleted.
  if (rolledBack) print(`Why:       ${target.name} ${rollbackSummary(rolledBack)}`);
  const latest = releases[0];
  if (latest && latest.number !== current && latest.number !== rolledBack?.number) {
    print(`Latest:    release ${latest.number} ${latest.status}${latest.failure ? ` (${latest.failure.reason}: ${latest.failure.message})` : ''}`);
  }
  // The newest release's blue-green or canary rollout: in flight, or how it ended.
  const [rollout, ...analyses] = latest ? rolloutSummary(latest) : [];
  if (rollout) {
    print(`Rollout:   release ${latest!.number}: ${rollout}`);
    for (const line of analyses) print(`           ${line}`);
  }
  const build = builds[0];
  print(`Build:     ${build ? `${build.id} ${build.state}${build.failure ? ` at ${build.failure.step}: ${build.failure.reason}` : ''}` : 'none'}`);
}

export async function deleteCommand(params: { client: ApiClient; app: string; deleteVolumes: boolean; print: Print }): Promise<void> {
  const result = await params.client.request<{ deleted: string[]; kept: string[] }>('DELETE', withQuery(apiPath`/apps/${params.app}`, { volumes: params.deleteVolumes ? 'delete' : undefined }));
  params.print(`--> Deleted app ${params.app}: ${result.deleted.join(', ') || 'no cluster objects'}`);
  if (result.kept.length) params.print(`    kept: ${result.kept.join(', ')} (use --delete-volumes to delete them)`);
}

export async function cancelCommand(client: ApiClient, buildId: string, print: Print): Promise<void> {
  const build = await client.post<Build>(apiPath`/builds/${buildId}/cancel`);
  print(build.state === 'cancelled' ? `--> Build ${buildId} cancelled` : `--> Build ${buildId} is stopping (was ${build.state})`);
}

export async function rotateSecretCommand(client: ApiClient, app: string, print: Print): Promise<void> {
  const { webhook } = await client.post<{ webhook: { url: string; secret: string } }>(apiPath`/apps/${app}/webhook-secret`);
  print(`Webhook URL:    ${webhook.url}`);
  print(`Webhook secret: ${webhook.secret}   (shown once; the old secret no longer works)`);
}
