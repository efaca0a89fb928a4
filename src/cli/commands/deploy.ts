import type { Release } from '../../store/types.js';
import type { DryRunView } from '../../store/views.js';
import { CliError, type ApiClient } from '../client.js';
import { apiPath, withQuery } from '../api-path.js';
import { describeFailure, waitForRelease } from '../wait.js';
import { dryRunOutput, printDryRun } from './dry-run.js';

type Print = (line: string) => void;

export interface DeployOptions {
  image?: string;
  build?: string;
  dryRun?: boolean;
  output?: string;
  wait: boolean;
}

/**
 * `slipway deploy <app>`: a release of an image by digest (`--image`), of a succeeded build
 * (`--build`), or of the current image again; `--dry-run` prints what it would apply and the
 * diff against the live objects instead (`-o yaml|json`: the manifests too), changing nothing.
 */
export async function deployCommand(params: { client: ApiClient; app: string; options: DeployOptions; print: Print }): Promise<void> {
  const { client, app, options, print } = params;
  const output = dryRunOutput(options);
  if (options.image && options.build) throw new CliError('deploy takes --image or --build, not both');
  const body = { ...(options.image ? { image: options.image } : {}), ...(options.build ? { buildId: options.build } : {}) };
  if (options.dryRun) return printDryRun(await client.post<DryRunView>(withQuery(apiPath`/apps/${app}/releases`, { dryRun: 'true' }), body), output, print);
  const release = await client.post<Release>(apiPath`/apps/${app}/releases`, body);
  print(`--> Release ${release.number} of ${app} (${release.image}) queued`);
  if (!options.wait) return;
  const settled = await waitForRelease({ client, app, pick: (r) => r.number === release.number, print, timeoutSeconds: 900 });
  if (settled.status !== 'current') throw new CliError(describeFailure(settled));
}
