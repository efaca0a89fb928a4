import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.js';
import { knownBuilder } from '../builds/builder-catalog.js';
import { defaultDeployConfig, mergeDeployConfig } from '../store/deploy-config.js';
import { ValidationError } from '../errors.js';
import { checkRepoUrl } from '../git/repo-host.js';
import { repoUrlPolicy } from '../git/repo-url.js';
import type { AppStore } from '../store/app-store.js';
import type { App, NewApp } from '../store/types.js';

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
 * again. An existing app is an error (APP_EXISTS) and stays as it was.
 */
export async function createApp(params: { apps: AppStore; config: Config; input: AppInput }): Promise<{ app: App; webhookSecret: string }> {
  const { apps, config, input } = params;
  // issue 14, SSRF: the host is resolved and every address judged (checked again at each clone).
  await checkRepoUrl({ url: input.repo, policy: repoUrlPolicy(config) });
  const app: App = {
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
  const webhookSecret = input.webhookSecret ?? newWebhookSecret();
  await apps.create(app, webhookSecret);
  return { app, webhookSecret };
}

/** 192 random bits, hex: what GitHub and the others sign deliveries with. */
export function newWebhookSecret(): string {
  return randomBytes(24).toString('hex');
}

export function webhookUrl(config: Config, app: string): string {
  return `${config.publicUrl}/hooks/github/${app}`;
}
