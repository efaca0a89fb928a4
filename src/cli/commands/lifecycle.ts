import type { App, Release, StrategySpec } from '../../store/types.js';
import type { DryRunView } from '../../store/views.js';
import { CliError, type ApiClient } from '../client.js';
import { keyValues, parseProbe } from '../parse-args.js';
import { describeStrategy, strategyFromArgs, type StrategyOptions } from '../strategy-args.js';
import { describeFailure, waitForRelease } from '../wait.js';
import { apiPath, withQuery } from '../api-path.js';
import { dryRunOutput, printDryRun } from './dry-run.js';

type Print = (line: string) => void;

/** Waits for a release the command made (if any) and fails the command when it failed. */
export async function settle(params: { client: ApiClient; app: string; release: Release | null | undefined; wait: boolean; print: Print; what: string }): Promise<void> {
  const { client, app, release, print } = params;
  if (!release) {
    print(`--> ${params.what}: nothing to roll out${params.what.startsWith('No change') ? '' : ' (the app has no current release; the next one gets it)'}`);
    return;
  }
  print(`--> ${params.what}: release ${release.number}`);
  if (!params.wait) return;
  const settled = await waitForRelease({ client, app, pick: (r) => r.number === release.number, print, timeoutSeconds: 900 });
  if (settled.status !== 'current') throw new CliError(describeFailure(settled));
}

export async function configVarsCommand(params: {
  client: ApiClient;
  kind: 'env' | 'secrets';
  action: 'set' | 'unset' | 'list';
  app: string;
  args: string[];
  wait: boolean;
  print: Print;
  /** env set/unset `--dry-run [-o yaml|json]`: print the release it would make, change nothing. */
  dryRun?: { dryRun?: boolean; output?: string };
}): Promise<void> {
  const { client, kind, action, app, args, print } = params;
  const output = dryRunOutput(params.dryRun ?? {});
  if (action === 'list') {
    if (kind === 'env') {
      const { env } = await client.get<{ env: Record<string, string> }>(apiPath`/apps/${app}/env`);
      for (const [k, v] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) print(`${k}=${v}`);
    } else {
      const { secrets, version } = await client.get<{ secrets: Array<{ key: string; value: string }>; version: string | null }>(apiPath`/apps/${app}/secrets`);
      for (const s of secrets) print(`${s.key}=${s.value}`);
      if (version) print(`(version ${version}; values are never shown in full)`);
    }
    return;
  }
  if (args.length === 0) throw new CliError(`${kind === 'env' ? 'env' : 'secret'} ${action} needs ${action === 'set' ? 'KEY=VALUE' : 'KEY'} arguments`);
  const body = action === 'set' ? { set: keyValues(args, kind === 'env' ? 'env set' : 'secret set') } : { unset: args };
  if (params.dryRun?.dryRun) {
    const answer = await client.request<DryRunView | { release: null }>('PATCH', withQuery(apiPath`/apps/${app}/${kind}`, { dryRun: 'true' }), body);
    if (!('dryRun' in answer)) return print('--> No change: nothing would be rolled out');
    return printDryRun(answer, output, print);
  }
  const result = await client.request<{ release: Release | null }>('PATCH', apiPath`/apps/${app}/${kind}`, body);
  const what = result.release ? `${kind === 'env' ? 'Config vars' : 'Secrets'} ${action === 'set' ? 'set' : 'unset'}` : 'No change';
  await settle({ client, app, release: result.release, wait: params.wait, print, what });
}

export async function scaleCommand(params: { client: ApiClient; app: string; replicas: string; print: Print }): Promise<void> {
  const replicas = Number(params.replicas);
  if (!Number.isInteger(replicas) || replicas < 0) throw new CliError(`scale takes a replica count (0 or more), got "${params.replicas}"`);
  const result = await params.client.post<{ replicas: number; previous: number; applied: boolean }>(apiPath`/apps/${params.app}/scale`, { replicas });
  params.print(`--> Scaled ${params.app} from ${result.previous} to ${result.replicas} replicas${result.applied ? '' : ' (not running yet: its next release starts with them)'}`);
}

export async function restartCommand(params: { client: ApiClient; app: string; wait: boolean; print: Print }): Promise<void> {
  const release = await params.client.post<Release>(apiPath`/apps/${params.app}/restart`, {});
  await settle({ ...params, release, what: `Restarting every pod of ${params.app}` });
}

export async function volumeAddCommand(params: {
  client: ApiClient;
  app: string;
  options: { size: string; mount: string; name?: string; accessMode?: string; storageClass?: string; wait: boolean };
  print: Print;
}): Promise<void> {
  const { client, app, options, print } = params;
  const body = {
    size: options.size,
    mountPath: options.mount,
    ...(options.name ? { name: options.name } : {}),
    ...(options.accessMode ? { accessMode: options.accessMode } : {}),
    ...(options.storageClass ? { storageClass: options.storageClass } : {}),
  };
  const result = await client.post<{ volume: { name: string; claim: string; mountPath: string }; release: Release | null }>(apiPath`/apps/${app}/volumes`, body);
  print(`--> Volume ${result.volume.name}: claim ${result.volume.claim} mounted at ${result.volume.mountPath}`);
  await settle({ client, app, release: result.release, wait: options.wait, print, what: 'Mounting it' });
}

export async function volumeListCommand(params: { client: ApiClient; app: string; print: Print }): Promise<void> {
  const { volumes } = await params.client.get<{ volumes: Array<{ name: string; claim: string; mountPath: string; size: string; accessMode: string; storageClass?: string }> }>(apiPath`/apps/${params.app}/volumes`);
  params.print(['NAME'.padEnd(16), 'CLAIM'.padEnd(32), 'MOUNT'.padEnd(20), 'SIZE'.padEnd(6), 'ACCESS'.padEnd(16), 'CLASS'].join(' '));
  for (const v of volumes) params.print([v.name.padEnd(16), v.claim.padEnd(32), v.mountPath.padEnd(20), v.size.padEnd(6), v.accessMode.padEnd(16), v.storageClass ?? '-'].join(' '));
}

export async function volumeRemoveCommand(params: { client: ApiClient; app: string; name: string; deleteClaim: boolean; wait: boolean; print: Print }): Promise<void> {
  const { client, app, print } = params;
  const result = await client.request<{ claim: string; claimDeleted: boolean; release: Release | null }>(
    'DELETE',
    withQuery(apiPath`/apps/${app}/volumes/${params.name}`, { claim: params.deleteClaim ? 'delete' : undefined }),
  );
  print(`--> Volume ${params.name} unmounted; claim ${result.claim} ${result.claimDeleted ? 'deleted' : 'kept (use --delete-claim to delete it)'}`);
  await settle({ client, app, release: result.release, wait: params.wait, print, what: 'Unmounting it' });
}

export async function probeSetCommand(params: {
  client: ApiClient;
  app: string;
  options: { readiness?: string; liveness?: string; initialDelay?: string; period?: string; wait: boolean };
  print: Print;
}): Promise<void> {
  const { client, app, options, print } = params;
  if (!options.readiness && !options.liveness) throw new CliError('probe set needs --readiness and/or --liveness');
  const timing = {
    ...(options.initialDelay ? { initialDelaySeconds: Number(options.initialDelay) } : {}),
    ...(options.period ? { periodSeconds: Number(options.period) } : {}),
  };
  const { probes: current } = await client.get<{ probes: Record<string, unknown> | null }>(apiPath`/apps/${app}/probes`);
  const probes = {
    ...(current ?? {}),
    ...(options.readiness ? { readiness: { ...parseProbe(options.readiness, '--readiness'), ...timing } } : {}),
    ...(options.liveness ? { liveness: { ...parseProbe(options.liveness, '--liveness'), ...timing } } : {}),
  };
  const result = await client.request<{ release: Release | null }>('PUT', apiPath`/apps/${app}/probes`, { probes });
  await settle({ client, app, release: result.release, wait: options.wait, print, what: 'Probes set' });
}

/** `slipway shutdown`: the pods' grace period and preStop pause; `--default` goes back to 30 s and 5 s (no pause with Recreate). */
export async function shutdownSetCommand(params: {
  client: ApiClient;
  app: string;
  options: { grace?: string; preStop?: string; default?: boolean; wait: boolean };
  print: Print;
}): Promise<void> {
  const { client, app, options, print } = params;
  const seconds = (value: string, flag: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`${flag} takes whole seconds, got "${value}"`);
    return n;
  };
  if (!options.default && options.grace === undefined && options.preStop === undefined) throw new CliError('shutdown needs --grace, --pre-stop or --default');
  const shutdown = options.default
    ? null
    : {
        ...(await client.get<{ shutdown: Record<string, number> | null }>(apiPath`/apps/${app}/shutdown`)).shutdown,
        ...(options.grace !== undefined ? { gracePeriodSeconds: seconds(options.grace, '--grace') } : {}),
        ...(options.preStop !== undefined ? { preStopSeconds: seconds(options.preStop, '--pre-stop') } : {}),
      };
  const result = await client.request<{ shutdown: { gracePeriodSeconds?: number; preStopSeconds?: number } | null; release: Release | null }>('PUT', apiPath`/apps/${app}/shutdown`, { shutdown });
  const grace = result.shutdown?.gracePeriodSeconds ?? 30;
  const pause = result.shutdown?.preStopSeconds;
  // The default pause depends on the strategy (store/deploy-config.ts shutdownOf).
  const pauseSaid = pause === undefined ? 'the default preStop pause (5 s; none with Recreate), then ' : pause ? `${pause} s preStop pause, then ` : 'no preStop pause; ';
  await settle({ client, app, release: result.release, wait: options.wait, print, what: `Shutdown: ${pauseSaid}SIGTERM and ${grace} s to stop` });
}

export async function hookSetCommand(params: {
  client: ApiClient;
  app: string;
  phase: string;
  options: { command?: string; timeout: string; onFailure?: string; podAnnotation: string[]; unset?: boolean };
  print: Print;
}): Promise<void> {
  const { client, app, phase, options, print } = params;
  if (!['pre', 'post'].includes(phase)) throw new CliError(`hook phase is pre or post, got "${phase}"`);
  const { hooks } = await client.get<{ hooks: Record<string, unknown> | null }>(apiPath`/apps/${app}/hooks`);
  const next: Record<string, unknown> = { ...(hooks ?? {}) };
  if (options.unset) delete next[phase];
  else {
    if (!options.command) throw new CliError('hook set needs --command "..." (run with sh -c in the release image)');
    next[phase] = {
      command: ['sh', '-c', options.command],
      timeoutSeconds: Number(options.timeout),
      ...(options.podAnnotation.length ? { podAnnotations: keyValues(options.podAnnotation, '--pod-annotation') } : {}),
      ...(phase === 'post' && options.onFailure ? { onFailure: options.onFailure } : {}),
    };
  }
  await client.request('PUT', apiPath`/apps/${app}/hooks`, { hooks: Object.keys(next).length ? next : null });
  print(`--> ${phase} hook ${options.unset ? 'removed' : 'set'}; it applies from the next release`);
}

export async function strategySetCommand(params: { client: ApiClient; app: string; type: string; options: StrategyOptions; print: Print }): Promise<void> {
  const { client, app, print } = params;
  const strategy = strategyFromArgs(params.type, params.options);
  const answer = await client.request<{ strategy: StrategySpec | null }>('PUT', apiPath`/apps/${app}/strategy`, { strategy });
  print(`--> Strategy ${describeStrategy(answer.strategy)}; it applies from the next release`);
}

export async function settingsCommand(params: { client: ApiClient; app: string; print: Print }): Promise<void> {
  const app = await params.client.get<App>(apiPath`/apps/${params.app}`);
  const { hooks, probes, strategy, volumes, shutdown, autoscale } = app.deploy;
  params.print(
    JSON.stringify({ replicas: app.deploy.replicas, autoscale: autoscale ?? 'off', hooks: hooks ?? null, strategy: strategy ?? 'auto', probes: probes ?? 'default', volumes: volumes ?? [], shutdown: shutdown ?? 'default' }, null, 2),
  );
}
