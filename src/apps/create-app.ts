import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.js';
import { knownBuilder } from '../builds/builder-catalog.js';
import { defaultDeployConfig, mergeDeployConfig } from '../store/deploy-config.js';
import { ValidationError } from '../errors.js';
import { checkRepoUrl } from '../git/repo-host.js';
import { repoCredentialFromInput } from '../git/repo-credential.js';
import { repoUrlPolicy } from '../git/repo-url.js';
import type { AppStore } from '../store/app-store.js';
import type { RepoCredentialStore } from '../store/repo-credential-store.js';
import type { RepoCredentialSummary } from '../store/schemas/repo-credential.js';
import type { App, NewApp } from '../store/types.js';
import { checkHostClaims } from './host-claims.js';

export type AppInput = NewApp & {
  /** Kept when given (say, a BuildConfig's trigger secret); generated otherwise. */
  webhookSecret?: string;
};

/** A path inside the checkout: relative, normalised, never escaping it. */
export function insideRepo(field: string, value: string | undefined, fallback: string): string {
  const normalised = path.posix.normalize((value ?? fallback).replace(/^\.\/+/, '') || fallback).replace(/(.)\/+$/, '$1');
  if (path.posix.isAbsolute(normalised) || normalised === '..' || normalised.startsWith('../')) {
    throw new ValidationError(`${field} must be a path inside the repository, got "${value}"`, { field });
  }
  return normalised;
}

/**
 * Validates and stores a new app with its webhook secret, which is returned here and never
 * again. An existing app is an error (APP_EXISTS) and stays as it was. issue 19: a repo
 * credential given with it is checked before anything is stored, and stored apart from the app
 * record (repo-credential-store.ts); the answer describes it without its secret.
 */
export async function createApp(params: { apps: AppStore; config: Config; input: AppInput; repoCredentials?: RepoCredentialStore }): Promise<{ app: App; webhookSecret: string; repoCredential?: RepoCredentialSummary }> {
  const { apps, config, input } = params;
  const app = await newAppRecord(config, input);
  const credential = input.repoCredential && repoCredentialFromInput({ app: app.name, url: app.repo, input: input.repoCredential, policy: repoUrlPolicy(config) });
  if (credential && !params.repoCredentials) throw new ValidationError('this way of creating an app takes no repo credential', { field: 'repoCredential' });
  await checkHostClaims(apps, { app: app.name, deploy: app.deploy });
  const webhookSecret = input.webhookSecret ?? newWebhookSecret();
  await apps.create(app, webhookSecret);
  const repoCredential = credential && (await params.repoCredentials!.set(app.name, credential));
  return { app, webhookSecret, ...(repoCredential ? { repoCredential } : {}) };
}

/** The app record createApp stores, validated, stored nowhere (a dry run of new-app shows what it would deploy). */
export async function newAppRecord(config: Config, input: AppInput): Promise<App> {
  // issue 14, SSRF: the host is resolved and every address judged (checked again at each clone).
  await checkRepoUrl({ url: input.repo, policy: repoUrlPolicy(config) });
  return {
    name: input.name,
    repo: input.repo,
    branch: input.branch || 'main',
    ...(input.branches?.length ? { branches: input.branches } : {}),
    contextDir: insideRepo('contextDir', input.contextDir, '.'),
    ...(input.dockerfile ? { dockerfile: insideRepo('dockerfile', input.dockerfile, 'Dockerfile') } : {}),
    buildArgs: input.buildArgs ?? {},
    ...(input.builder ? { builder: knownBuilder(input.builder) } : {}),
    ...(input.postCommit ? { postCommit: input.postCommit } : {}),
    port: input.port ?? 8080,
    deploy: mergeDeployConfig(defaultDeployConfig(input.name, config.namespaces), input.deploy ?? {}, config.namespaces),
    createdAt: new Date().toISOString(),
  };
}

/** 192 random bits, hex: what GitHub and the others sign deliveries with. */
export function newWebhookSecret(): string {
  return randomBytes(24).toString('hex');
}

export function webhookUrl(config: Config, app: string): string {
  return `${config.publicUrl}/hooks/github/${app}`;
}
