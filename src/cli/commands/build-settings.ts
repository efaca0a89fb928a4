import type { App } from '../../store/types.js';
import { CliError, type ApiClient } from '../client.js';
import { keyValues } from '../parse-args.js';
import { apiPath } from '../api-path.js';

type Print = (line: string) => void;

export interface BuildConfigOptions {
  builder?: string;
  detect?: boolean;
  contextDir?: string;
  dockerfile?: string;
  buildArg: string[];
  unsetBuildArg: string[];
  /** commander: a script with --test, false with --no-test. */
  test?: string | false;
}

/** `slipway build-config <app> [changes]`: shows how the app is built, after applying any change. */
export async function buildConfigCommand(params: { client: ApiClient; app: string; options: BuildConfigOptions; print: Print }): Promise<void> {
  const { client, app, options, print } = params;
  if (options.builder && options.detect) throw new CliError('--builder and --detect contradict each other');
  const buildArgs: Record<string, string | null> = { ...keyValues(options.buildArg, '--build-arg') };
  for (const name of options.unsetBuildArg) buildArgs[name] = null;
  const patch = {
    ...(options.builder ? { builder: options.builder } : {}),
    ...(options.detect ? { builder: null } : {}),
    ...(options.contextDir ? { contextDir: options.contextDir } : {}),
    ...(options.dockerfile === '' ? { dockerfile: null } : options.dockerfile ? { dockerfile: options.dockerfile } : {}),
    ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
    ...(options.test ? { postCommit: { script: options.test } } : {}),
    ...(options.test === false ? { postCommit: null } : {}),
  };
  const record = Object.keys(patch).length ? await client.request<App>('PATCH', apiPath`/apps/${app}/build-config`, patch) : await client.get<App>(apiPath`/apps/${app}`);
  print(`builder:     ${record.builder ?? (record.dockerfile ? 'docker' : 'detected at each build')}`);
  print(`context dir: ${record.contextDir}`);
  print(`dockerfile:  ${record.dockerfile ?? '(Dockerfile or Containerfile if present)'}`);
  print(`build args:  ${Object.keys(record.buildArgs).sort().join(', ') || '(none)'}`);
  print(`test step:   ${record.postCommit?.script ?? record.postCommit?.command?.join(' ') ?? '(none)'}`);
}

/** `slipway build-secret set|unset|list <app>`: values go in, only names and fingerprints come out. */
export async function buildSecretCommand(params: { client: ApiClient; action: 'set' | 'unset' | 'list'; app: string; args: string[]; print: Print }): Promise<void> {
  const { client, action, app, args, print } = params;
  type Listed = { secrets: Array<{ name: string; sha256: string }> };
  let secrets: Listed['secrets'] = [];
  if (action === 'set') {
    if (!args.length) throw new CliError('build-secret set needs NAME=VALUE');
    ({ secrets } = await client.request<Listed>('PUT', apiPath`/apps/${app}/build-secrets`, { secrets: keyValues(args, 'build-secret set') }));
  } else if (action === 'unset') {
    if (!args.length) throw new CliError('build-secret unset needs a NAME');
    for (const name of args) ({ secrets } = await client.request<Listed>('DELETE', apiPath`/apps/${app}/build-secrets/${name}`));
  } else {
    ({ secrets } = await client.get<Listed>(apiPath`/apps/${app}/build-secrets`));
  }
  if (!secrets.length) print(`${app} has no build secrets`);
  for (const secret of secrets) print(`${secret.name}  sha256:${secret.sha256}`);
}
