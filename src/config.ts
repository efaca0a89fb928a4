// One typed configuration object, read from the environment once at start-up.
// A missing or malformed value stops start-up with a message naming the variable.
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './errors.js';

export type RepoScheme = 'https' | 'ssh' | 'git' | 'http';
export type BuilderImages = 'public' | 'local';

export interface Config {
  redisUrl: string;
  /** Prefix of every Redis key and BullMQ queue; lets several installs (or tests) share a Redis. */
  prefix: string;
  apiToken: string;
  host: string;
  port: number;
  publicUrl: string;
  dockerHost: string;
  registry: { host: string; username?: string; password?: string };
  /** `public` builds FROM the real public images; `local` FROM their stand-ins built by test/env. */
  builderImages: BuilderImages;
  workDir: string;
  buildConcurrency: number;
  deployConcurrency: number;
  /**
   * How long a worker's hold on a job lasts without renewal: a worker that died (kill -9,
   * lost machine) has its job taken over after about this long (BullMQ stalled-job check).
   */
  jobLockMs: number;
  /** A newer push to a branch also stops that branch's running build (not only the queued one). */
  cancelRunningBuilds: boolean;
  /** Kubeconfig file; unset means KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  /**
   * Slipway creates an app's namespace on first deploy. Off (in a cluster, least privilege):
   * namespaces are made by an admin, who grants Slipway a RoleBinding in each; a deploy into
   * any other namespace fails with NAMESPACE_NOT_MANAGED.
   */
  manageNamespaces: boolean;
  webhookBodyLimit: number;
  allowedRepoSchemes: RepoScheme[];
  /** Loopback and private-range repo hosts are refused unless this is set (SSRF guard). */
  allowPrivateRepoHosts: boolean;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const REPO_SCHEMES: RepoScheme[] = ['https', 'ssh', 'git', 'http'];

function text(env: Env, name: string, fallback?: string): string {
  const value = env[name]?.trim();
  if (value) return value;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(name, 'is required but not set');
}

function integer(env: Env, name: string, fallback: number, range: [number, number]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
    throw new ConfigError(name, `must be an integer from ${range[0]} to ${range[1]}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name, fallback);
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function url(env: Env, name: string, protocols: string[], fallback: string): string {
  const raw = text(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw.replace(/\/+$/, '');
}

function registry(env: Env): Config['registry'] {
  const host = text(env, 'SLIPWAY_REGISTRY');
  // host[:port][/namespace], as in `docker tag`; no scheme: docker decides http for loopback.
  if (!/^[a-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._-]+)*$/i.test(host)) {
    throw new ConfigError('SLIPWAY_REGISTRY', `must look like host[:port][/namespace], got "${host}"`);
  }
  const username = env.SLIPWAY_REGISTRY_USER?.trim() || undefined;
  const password = env.SLIPWAY_REGISTRY_PASSWORD || undefined;
  if (Boolean(username) !== Boolean(password)) {
    throw new ConfigError(username ? 'SLIPWAY_REGISTRY_PASSWORD' : 'SLIPWAY_REGISTRY_USER', 'must be set together with the other registry credential');
  }
  return { host, username, password };
}

export function loadConfig(env: Env = process.env): Config {
  const apiToken = text(env, 'SLIPWAY_API_TOKEN');
  if (apiToken.length < 16) throw new ConfigError('SLIPWAY_API_TOKEN', 'must be at least 16 characters');
  const prefix = text(env, 'SLIPWAY_PREFIX', 'slipway');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) throw new ConfigError('SLIPWAY_PREFIX', `must be lowercase letters, digits and dashes, got "${prefix}"`);
  const host = text(env, 'SLIPWAY_HOST', '127.0.0.1');
  const port = integer(env, 'SLIPWAY_PORT', 8080, [0, 65535]);
  const schemes = text(env, 'SLIPWAY_ALLOWED_REPO_SCHEMES', 'https,ssh').split(',').map((s) => s.trim());
  const unknown = schemes.filter((s) => !REPO_SCHEMES.includes(s as RepoScheme));
  if (unknown.length) throw new ConfigError('SLIPWAY_ALLOWED_REPO_SCHEMES', `has unknown scheme(s) ${unknown.join(', ')}; allowed: ${REPO_SCHEMES.join(', ')}`);

  return {
    redisUrl: url(env, 'SLIPWAY_REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    prefix,
    apiToken,
    host,
    port,
    publicUrl: url(env, 'SLIPWAY_PUBLIC_URL', ['http:', 'https:'], `http://${host}:${port}`),
    dockerHost: url(env, 'DOCKER_HOST', ['unix:', 'tcp:', 'http:', 'https:'], 'unix:///var/run/docker.sock'),
    registry: registry(env),
    builderImages: oneOf(env, 'SLIPWAY_BUILDER_IMAGES', ['public', 'local'] as const, 'public'),
    workDir: path.resolve(text(env, 'SLIPWAY_WORK_DIR', path.join(os.tmpdir(), 'slipway-builds'))),
    buildConcurrency: integer(env, 'SLIPWAY_BUILD_CONCURRENCY', 2, [1, 64]),
    deployConcurrency: integer(env, 'SLIPWAY_DEPLOY_CONCURRENCY', 4, [1, 64]),
    jobLockMs: integer(env, 'SLIPWAY_JOB_LOCK_MS', 30_000, [1000, 3_600_000]),
    cancelRunningBuilds: boolean(env, 'SLIPWAY_CANCEL_RUNNING_BUILDS', false),
    kubeconfig: env.SLIPWAY_KUBECONFIG?.trim() || undefined,
    manageNamespaces: boolean(env, 'SLIPWAY_MANAGE_NAMESPACES', true),
    webhookBodyLimit: integer(env, 'SLIPWAY_WEBHOOK_BODY_LIMIT', 5 * 1024 * 1024, [1024, 100 * 1024 * 1024]),
    allowedRepoSchemes: schemes as RepoScheme[],
    allowPrivateRepoHosts: boolean(env, 'SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS', false),
    logLevel: oneOf(env, 'SLIPWAY_LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}
