import { readFileSync } from 'node:fs';
import type { App, Build, Release } from '../../store/types.js';
import type { DryRunView } from '../../store/views.js';
import { CliError, type ApiClient } from '../client.js';
import { keyValues, paramFile, parseRepoArgument } from '../parse-args.js';
import { describeFailure, waitForBuild, waitForRelease } from '../wait.js';
import { printProvisionReport, templateSource, type ProvisionReportView } from './templates.js';
import { printRepoCredential, repoCredentialInput, type RepoCredentialOptions } from './repo-credential.js';
import type { RepoCredentialView } from '../../store/views.js';
import { apiPath, withQuery } from '../api-path.js';
import { dryRunOutput, printDryRun } from './dry-run.js';

export interface NewAppOptions extends RepoCredentialOptions {
  name?: string;
  contextDir?: string;
  env: string[];
  buildEnv: string[];
  strategy?: string;
  builder?: string;
  linkDb: string[];
  namespace?: string;
  template?: string;
  param: string[];
  paramFile?: string;
  ignoreUnknownParameters?: boolean;
  wait: boolean;
  timeout: string;
  /** Print what would be created and applied (with `output`: the manifests), change nothing. */
  dryRun?: boolean;
  output?: string;
}

type Print = (line: string) => void;

/** `slipway new-app`: a repo to a running app, or a template to provisioned objects. */
export async function newApp(params: { client: ApiClient; repo?: string; options: NewAppOptions; print: Print }): Promise<void> {
  const { client, repo, options, print } = params;
  const output = dryRunOutput(options);
  if (options.template && options.dryRun) throw new CliError('--dry-run is for an app from a repository; for a template, slipway process prints its objects');
  if (options.template) return newAppFromTemplate({ client, options, print });
  if (!repo) throw new CliError('new-app needs a repository URL, or --template NAME|FILE');
  const parsed = parseRepoArgument(repo);
  const name = options.name ?? parsed.name;
  if (!name) throw new CliError(`cannot derive an app name from "${repo}": pass --name`);
  const strategy = options.strategy;
  if (strategy && !['docker', 'source'].includes(strategy)) throw new CliError(`--strategy is docker or source, got "${strategy}"`);

  const repoCredential = repoCredentialInput(options);
  const body = {
    name,
    repo: parsed.repo,
    ...(repoCredential ? { repoCredential } : {}),
    ...(parsed.ref ? { branch: parsed.ref } : {}),
    ...(options.contextDir ? { contextDir: options.contextDir } : {}),
    ...(strategy === 'docker' ? { dockerfile: 'Dockerfile' } : {}),
    ...(options.builder ? { builder: options.builder } : {}),
    buildArgs: keyValues(options.buildEnv, '--build-env'),
    deploy: {
      env: keyValues(options.env, '--env'),
      ...(options.linkDb.length ? { links: options.linkDb } : {}),
      ...(options.namespace ? { namespace: options.namespace } : {}),
    },
  };
  if (options.dryRun) {
    // Nothing is created, built or applied: the first release as it would render, with its diff.
    return printDryRun(await client.post<DryRunView>(withQuery(apiPath`/apps`, { dryRun: 'true' }), body), output, print);
  }
  print(`--> Creating app ${name} from ${parsed.repo}${parsed.ref ? ` (${parsed.ref})` : ''}`);
  const created = await client.post<{ app: App; webhook: { url: string; secret: string }; repoCredential?: RepoCredentialView }>(apiPath`/apps`, body);
  if (created.repoCredential?.publicKey) {
    // A key made just now is on no git host yet: a build now could only fail.
    printRepoCredential(created.repoCredential, print);
    print(`  Webhook URL:    ${created.webhook.url}`);
    print(`  Webhook secret: ${created.webhook.secret}   (shown once: add it to your Git host now)`);
    print(`Add the deploy key to the repo, then: slipway start-build ${name}`);
    return;
  }
  const build = await client.post<Build>(apiPath`/apps/${name}/builds`, {});
  print(`--> Build ${build.id} of ${build.sha.slice(0, 7)} queued`);
  const timeoutSeconds = Number(options.timeout);
  if (options.wait) {
    const done = await waitForBuild({ client, buildId: build.id, print, timeoutSeconds });
    if (done.state !== 'succeeded') {
      throw new CliError(`build ${done.id} ${done.state} while ${done.failure?.step}: ${done.failure?.reason}\n  (log: slipway logs ${done.id})`);
    }
    print(`--> Image ${done.image!.repository}@${done.image!.digest}`);
    const release = await waitForRelease({ client, app: name, pick: (r: Release) => r.trigger.buildId === build.id, print, timeoutSeconds });
    if (release.status !== 'current') throw new CliError(describeFailure(release));
  }
  const deploy = created.app.deploy;
  print('');
  print(`App ${name} is ${options.wait ? 'running' : 'building'}.`);
  print(`  URL:            ${deploy.host ? `http://${deploy.host}/` : `http://${name}.${deploy.namespace}.svc.cluster.local/ (in the cluster; set deploy.host for an Ingress)`}`);
  print(`  Webhook URL:    ${created.webhook.url}`);
  print(`  Webhook secret: ${created.webhook.secret}   (shown once: add it to your Git host now)`);
}

async function newAppFromTemplate(params: { client: ApiClient; options: NewAppOptions; print: Print }): Promise<void> {
  const { client, options, print } = params;
  const template = options.template!;
  const source = templateSource(template);
  const parameters = { ...(options.paramFile ? paramFile(readFileSync(options.paramFile, 'utf8')) : {}), ...keyValues(options.param, '-p') };
  print(`--> Provisioning template ${template}${options.namespace ? ` into ${options.namespace}` : ''}`);
  const report = await client.post<ProvisionReportView>(apiPath`/templates/provision`, {
    ...source,
    parameters,
    ...(options.ignoreUnknownParameters ? { ignoreUnknownParameters: true } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    waitSeconds: options.wait ? Number(options.timeout) : 0,
  });
  printProvisionReport(report, print);
  const notReady = report.waited.filter((w) => w.state !== 'ready');
  if (notReady.length) throw new CliError(notReady.map((w) => `${w.kind}/${w.name} is not ready: ${w.message}`).join('\n'));
}
