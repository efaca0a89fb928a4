// One typed configuration object, read from the environment once at start-up.
// A missing or malformed value stops start-up with a message naming the variable.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './errors.js';

export type RepoScheme = 'https' | 'ssh' | 'git' | 'http';
export type BuilderImages = 'public' | 'local';

export interface Config {
  redisUrl: string;
  /**
   * Redis through Sentinel (issue 17, docs/scaling-and-redis.md): connections ask these sentinels
   * for the primary instead of dialling the URL's host; the URL still gives password, user and db.
   */
  redisSentinel?: RedisSentinel;
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
  /**
   * The Docker network every build step and post-build test runs on: NAT out to package
   * registries, no route to this host or private ranges (deploy/build-network.sh makes it).
   */
  buildNetwork: string;
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
  /**
   * Releases are verified by real HTTP requests to their new pods before they become current,
   * unless an app's `deploy.verify.enabled` says otherwise. Off: only apps that turn it on are
   * verified (a cluster whose pods cannot answer, such as kwok's simulated ones).
   */
  verifyReleases: boolean;
  /**
   * The Prometheus a blue-green or canary step's metric analysis asks (strategy.prometheus): the
   * install's, never an app's, so an API caller cannot point the deploy worker at any address.
   */
  prometheusUrl?: string;
  /**
   * SLIPWAY_INGRESS_CLASS: the IngressClass of every app Ingress that names none (an app's
   * `ingressClassName` wins); unset, Ingresses name no class and the cluster's default class serves them.
   */
  ingressClass?: string;
  webhookBodyLimit: number;
  allowedRepoSchemes: RepoScheme[];
  /** Loopback and private-range repo hosts are refused unless this is set (SSRF guard). */
  allowPrivateRepoHosts: boolean;
  logLevel: string;
  // issue 14, untrusted checkout and bounded logs:
  /** The most bytes Slipway reads of any one file of a repo (package.json, .s2i/environment, ...). */
  repoFileLimit: number;
  /** A build log line longer than this many bytes is cut, marked `[line truncated]`. */
  logLineLimit: number;
  /** A build log stores this many bytes at most; later lines are counted, not stored. */
  logByteLimit: number;
  // ---- issue 14, API hardening: slow clients and floods (docs/security.md)
  /**
   * A request whose body has not fully arrived after `requestTimeoutMs`, or whose headers have
   * not after `headersTimeoutMs`, is answered 408 and closed; a socket silent for
   * `connectionTimeoutMs` (0: never) is closed. Live log streams are exempt from the last.
   */
  http: { requestTimeoutMs: number; headersTimeoutMs: number; connectionTimeoutMs: number };
  /** Requests a minute: webhooks per app and client address, the REST API per token; 0 turns a limit off. */
  rateLimits: { webhooksPerMinute: number; apiPerMinute: number };
  // ---- issue 14, namespaces and templates (docs/security.md)
  /** Where apps and templates may deploy; kube-* namespaces and Slipway's own never. */
  namespaces: NamespaceRules;
  /** Templates may run privileged or host-namespace pods (SLIPWAY_TEMPLATES_ALLOW_PRIVILEGED). */
  templatesAllowPrivileged: boolean;
  // ---- issue 14, secrets at rest (src/store/secret-box.ts, docs/security.md)
  /**
   * AES-256-GCM keys app, build and webhook secrets are sealed with in Redis: `current` seals
   * every write (SLIPWAY_SECRETS_KEY or _FILE); `old` still open values sealed before a rotation
   * (SLIPWAY_SECRETS_OLD_KEYS or _FILE).
   */
  secretsKeys: { current: Buffer; old: Buffer[] };
  /**
   * Where app and hook pods run, install-wide (like OpenShift's project default node selector):
   * SLIPWAY_POD_NODE_SELECTOR `k=v,...` and SLIPWAY_POD_TOLERATIONS `key[=value][:Effect],...`.
   */
  podPlacement: PodPlacement;
  /**
   * SLIPWAY_ARBITRARY_UIDS: every app namespace has a uid range, as OpenShift gives each project
   * one, and app and hook pods run as its first uid with group 0 (src/releases/render/uid-range.ts).
   */
  arbitraryUids: boolean;
  // ---- issue 16, OpenShift templates unchanged (docs/templates-and-databases.md)
  openshift: OpenShiftSettings;
}

/** Where Slipway finds its Redis primary when Sentinel runs it (SLIPWAY_REDIS_SENTINEL*). */
export interface RedisSentinel {
  /** SLIPWAY_REDIS_SENTINELS `host:port,...`: asked in turn for the current primary. */
  sentinels: Array<{ host: string; port: number }>;
  /** SLIPWAY_REDIS_SENTINEL_NAME: the primary's name in the sentinels' `sentinel monitor` line. */
  name: string;
  /** SLIPWAY_REDIS_SENTINEL_PASSWORD: the sentinels' own password, when they have one. */
  password?: string;
}

/** What an image stream of the `openshift` namespace resolves to; `version` is what the image carries, for the notes. */
export interface StreamImage {
  image: string;
  version?: string;
}

/** Keys are a stream name (`postgresql`) or a stream and version (`postgresql:12`); the most specific wins. */
export type OpenShiftImages = Record<string, StreamImage>;

/** How OpenShift templates' cluster-provided parts translate: the `openshift` namespace's image streams, Route hosts. */
export interface OpenShiftSettings {
  /**
   * SLIPWAY_OPENSHIFT_IMAGES (JSON, or a file holding it): entries over the default map
   * (DEFAULT_OPENSHIFT_IMAGES in src/templates/openshift-streams.ts), entry by entry.
   */
  images: OpenShiftImages;
  /** SLIPWAY_APPS_DOMAIN: a Route without a host gets `<route>-<namespace>.<appsDomain>`, as OpenShift's router. */
  appsDomain?: string;
}

/** A node selector and tolerations added to every app and hook pod (src/releases/render/placement.ts). */
export interface PodPlacement {
  nodeSelector: Record<string, string>;
  tolerations: PodToleration[];
}

/** A Kubernetes toleration: without a value it is `Exists`, without an effect it tolerates every effect. */
export interface PodToleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * The namespaces apps and templates may use (issue 14). With neither `prefix` nor `allowed`, any
 * namespace but the reserved ones; with either, a namespace must start with the prefix or be listed.
 */
export interface NamespaceRules {
  /** SLIPWAY_NAMESPACE_PREFIX: app namespaces start with it (and default to `<prefix><app>`). */
  prefix?: string;
  /** SLIPWAY_NAMESPACES: namespaces allowed by name; the only way to allow `default`. */
  allowed?: string[];
  /** SLIPWAY_NAMESPACE: Slipway's own namespace (in a cluster), never an app's. */
  own?: string;
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

/** A Docker object name; never `host`, `none` or `bridge`, which would undo the isolation. */
function dockerName(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(value)) throw new ConfigError(name, `must be a Docker network name, got "${value}"`);
  if (['host', 'none', 'bridge', 'default'].includes(value)) throw new ConfigError(name, `must be the isolated build network, not Docker's "${value}"`);
  return value;
}

// ---- issue 14, namespaces (applied by checkAppNamespace in src/store/deploy-config.ts) and HTTP timeouts
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function namespaceName(name: string, value: string): string {
  if (!NAMESPACE_NAME.test(value)) throw new ConfigError(name, `must hold namespace names (lowercase letters, digits, dashes; at most 63), got "${value}"`);
  if (value.startsWith('kube-')) throw new ConfigError(name, `may not name "${value}": kube-* namespaces are Kubernetes' own`);
  return value;
}

function namespaceRules(env: Env): NamespaceRules {
  const prefix = env.SLIPWAY_NAMESPACE_PREFIX?.trim() || undefined;
  if (prefix !== undefined && !/^[a-z0-9][-a-z0-9]{0,39}$/.test(prefix)) {
    throw new ConfigError('SLIPWAY_NAMESPACE_PREFIX', `must be lowercase letters, digits and dashes (at most 40), got "${prefix}"`);
  }
  if (prefix?.startsWith('kube')) throw new ConfigError('SLIPWAY_NAMESPACE_PREFIX', "may not start with kube: kube-* namespaces are Kubernetes' own");
  const ownName = env.SLIPWAY_NAMESPACE?.trim();
  const own = ownName ? namespaceName('SLIPWAY_NAMESPACE', ownName) : undefined;
  const allowed = (env.SLIPWAY_NAMESPACES ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  for (const n of allowed) {
    namespaceName('SLIPWAY_NAMESPACES', n);
    if (n === own) throw new ConfigError('SLIPWAY_NAMESPACES', `may not name Slipway's own namespace "${n}" (SLIPWAY_NAMESPACE)`);
  }
  return { ...(prefix ? { prefix } : {}), ...(allowed.length ? { allowed } : {}), ...(own ? { own } : {}) };
}

function httpTimeouts(env: Env): Config['http'] {
  const requestTimeoutMs = integer(env, 'SLIPWAY_REQUEST_TIMEOUT_MS', 30_000, [100, 3_600_000]);
  const headersTimeoutMs = integer(env, 'SLIPWAY_HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), [100, 3_600_000]);
  // Node's own rule: the headers are part of the request, so their deadline cannot come later.
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('SLIPWAY_HEADERS_TIMEOUT_MS', `must not exceed SLIPWAY_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  return { requestTimeoutMs, headersTimeoutMs, connectionTimeoutMs: integer(env, 'SLIPWAY_CONNECTION_TIMEOUT_MS', 120_000, [0, 86_400_000]) };
}
// ---- end issue 14, namespaces and HTTP timeouts

// ---- issue 14, secrets at rest: keys are base64 of 32 random bytes, given inline or in a file.
const KEY_HINT = 'must be 32 random bytes, base64 (head -c 32 /dev/urandom | base64)';

function secretKey(name: string, text: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== 32) throw new ConfigError(name, KEY_HINT);
  return key;
}

function fileText(name: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(name, `names a file that cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function keyList(name: string, text: string): Buffer[] {
  return text.split(/[\s,]+/).filter(Boolean).map((k) => secretKey(name, k));
}

function secretsKeys(env: Env): Config['secretsKeys'] {
  const inline = env.SLIPWAY_SECRETS_KEY?.trim();
  const file = env.SLIPWAY_SECRETS_KEY_FILE?.trim();
  if (inline && file) throw new ConfigError('SLIPWAY_SECRETS_KEY', 'and SLIPWAY_SECRETS_KEY_FILE are both set: set one');
  if (!inline && !file) throw new ConfigError('SLIPWAY_SECRETS_KEY', `is required (or SLIPWAY_SECRETS_KEY_FILE): the key secrets are encrypted with in Redis; it ${KEY_HINT}`);
  const current = inline ? secretKey('SLIPWAY_SECRETS_KEY', inline) : secretKey('SLIPWAY_SECRETS_KEY_FILE', fileText('SLIPWAY_SECRETS_KEY_FILE', file!).trim());
  const old = keyList('SLIPWAY_SECRETS_OLD_KEYS', env.SLIPWAY_SECRETS_OLD_KEYS ?? '');
  const oldFile = env.SLIPWAY_SECRETS_OLD_KEYS_FILE?.trim();
  if (oldFile) old.push(...keyList('SLIPWAY_SECRETS_OLD_KEYS_FILE', fileText('SLIPWAY_SECRETS_OLD_KEYS_FILE', oldFile)));
  return { current, old };
}
// ---- end issue 14, secrets at rest

// ---- pod placement (SLIPWAY_POD_NODE_SELECTOR, SLIPWAY_POD_TOLERATIONS)
// A label key: an optional DNS-subdomain prefix and `/`, then a name; a value: a name or empty.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

function labelKey(name: string, key: string): string {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  if (!LABEL_NAME.test(key.slice(slash + 1)) || (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix)))) {
    throw new ConfigError(name, `has an invalid label key "${key}" (an optional DNS prefix and /, then at most 63 letters, digits, - _ .)`);
  }
  return key;
}

function labelValue(name: string, value: string): string {
  if (value !== '' && !LABEL_NAME.test(value)) throw new ConfigError(name, `has an invalid label value "${value}" (at most 63 letters, digits, - _ .)`);
  return value;
}

function podPlacement(env: Env): PodPlacement {
  const items = (variable: string) => (env[variable] ?? '').split(',').map((i) => i.trim()).filter(Boolean);
  const nodeSelector: Record<string, string> = {};
  for (const item of items('SLIPWAY_POD_NODE_SELECTOR')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new ConfigError('SLIPWAY_POD_NODE_SELECTOR', `must be key=value pairs separated by commas, got "${item}"`);
    nodeSelector[labelKey('SLIPWAY_POD_NODE_SELECTOR', item.slice(0, eq))] = labelValue('SLIPWAY_POD_NODE_SELECTOR', item.slice(eq + 1));
  }
  const tolerations = items('SLIPWAY_POD_TOLERATIONS').map((item): PodToleration => {
    const name = 'SLIPWAY_POD_TOLERATIONS';
    const match = /^([^=:]+)(?:=([^:]*))?(?::(.*))?$/.exec(item);
    if (!match) throw new ConfigError(name, `must be key[=value][:Effect] separated by commas, got "${item}"`);
    const [, key, value, effect] = match;
    if (effect !== undefined && !TAINT_EFFECTS.includes(effect as PodToleration['effect'] & string)) {
      throw new ConfigError(name, `has an unknown effect "${effect}" in "${item}"; allowed: ${TAINT_EFFECTS.join(', ')}`);
    }
    return {
      key: labelKey(name, key!),
      ...(value === undefined ? { operator: 'Exists' as const } : { operator: 'Equal' as const, value: labelValue(name, value) }),
      ...(effect !== undefined ? { effect: effect as PodToleration['effect'] } : {}),
    };
  });
  return { nodeSelector, tolerations };
}
// ---- end pod placement

// ---- issue 16, OpenShift templates: the image-stream map and the apps domain
const STREAM_KEY = /^[a-z0-9][a-z0-9._-]{0,62}(?::[A-Za-z0-9._-]{1,128})?$/;
const IMAGE_REFERENCE = /^[a-z0-9][^\s]{0,511}$/i;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

function openShiftImages(env: Env): OpenShiftImages {
  const name = 'SLIPWAY_OPENSHIFT_IMAGES';
  const raw = env[name]?.trim();
  if (!raw) return {};
  const text = /^[[{]/.test(raw) ? raw : fileText(name, raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(name, `must be a JSON object (or a file holding one): ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(name, 'must be a JSON object of "stream" or "stream:version" → image');
  const images: OpenShiftImages = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!STREAM_KEY.test(key)) throw new ConfigError(name, `has an invalid key "${key}" (an image stream name, optionally :version)`);
    const entry = typeof value === 'string' ? { image: value } : value as { image?: unknown; version?: unknown };
    if (typeof entry !== 'object' || entry === null || typeof entry.image !== 'string' || !IMAGE_REFERENCE.test(entry.image)) {
      throw new ConfigError(name, `"${key}" must be an image reference or {"image": ..., "version": ...}`);
    }
    if (entry.version !== undefined && (typeof entry.version !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(entry.version))) {
      throw new ConfigError(name, `"${key}": version must be a string such as "15"`);
    }
    images[key] = { image: entry.image, ...(typeof entry.version === 'string' ? { version: entry.version } : {}) };
  }
  return images;
}

/** The OpenShift settings alone: `slipway process --local` reads them without the rest of an install's config. */
export function loadOpenShiftSettings(env: Env = process.env): OpenShiftSettings {
  const domain = env.SLIPWAY_APPS_DOMAIN?.trim().toLowerCase().replace(/\.$/, '');
  if (domain && !DNS_NAME.test(domain)) throw new ConfigError('SLIPWAY_APPS_DOMAIN', `must be a DNS name such as apps.example.com, got "${domain}"`);
  return { images: openShiftImages(env), ...(domain ? { appsDomain: domain } : {}) };
}
// ---- end issue 16, OpenShift templates

// ---- issue 17, Redis through Sentinel
const SENTINEL_HOST = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/i;

function sentinelAddress(item: string): { host: string; port: number } {
  const colon = item.lastIndexOf(':');
  const host = item.slice(0, colon);
  const port = Number(item.slice(colon + 1));
  if (colon < 0 || !SENTINEL_HOST.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError('SLIPWAY_REDIS_SENTINELS', `must be host:port pairs separated by commas (IPv6 as [addr]:port), got "${item}"`);
  }
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
}

function redisSentinel(env: Env, redisUrl: string): RedisSentinel | undefined {
  const list = (env.SLIPWAY_REDIS_SENTINELS ?? '').split(',').map((i) => i.trim()).filter(Boolean);
  const name = env.SLIPWAY_REDIS_SENTINEL_NAME?.trim();
  const password = env.SLIPWAY_REDIS_SENTINEL_PASSWORD || undefined;
  if (!list.length) {
    if (name) throw new ConfigError('SLIPWAY_REDIS_SENTINEL_NAME', 'is set but SLIPWAY_REDIS_SENTINELS is not: name the sentinels too');
    if (password) throw new ConfigError('SLIPWAY_REDIS_SENTINEL_PASSWORD', 'is set but SLIPWAY_REDIS_SENTINELS is not: name the sentinels too');
    return undefined;
  }
  if (!name) throw new ConfigError('SLIPWAY_REDIS_SENTINEL_NAME', 'is required with SLIPWAY_REDIS_SENTINELS: the name of the primary the sentinels monitor (e.g. mymaster)');
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(name)) throw new ConfigError('SLIPWAY_REDIS_SENTINEL_NAME', `must be letters, digits, dots, dashes and underscores, got "${name}"`);
  // Untested, so refused rather than half-done: TLS to the primary and to the sentinels are separate settings in ioredis.
  if (redisUrl.startsWith('rediss:')) throw new ConfigError('SLIPWAY_REDIS_URL', 'may not use rediss: with SLIPWAY_REDIS_SENTINELS: TLS through Sentinel is not supported yet');
  return { sentinels: list.map(sentinelAddress), name, ...(password ? { password } : {}) };
}
// ---- end issue 17, Redis through Sentinel

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

/** SLIPWAY_INGRESS_CLASS: an IngressClass name (a DNS-1123 subdomain). */
function ingressClass(env: Env): { ingressClass?: string } {
  const name = env.SLIPWAY_INGRESS_CLASS?.trim();
  if (!name) return {};
  if (!DNS_NAME.test(name)) throw new ConfigError('SLIPWAY_INGRESS_CLASS', `must be an IngressClass name such as nginx, got "${name}"`);
  return { ingressClass: name };
}

// issue 14, least privilege: a worker is not handed the API token (docker-compose.yml, deploy/kubernetes).
/** Which process reads the config: only the API checks the token, so only the API needs one. */
export interface LoadConfigOptions {
  role?: 'api' | 'worker';
}

export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const worker = options.role === 'worker';
  // A worker keeps a token it is given anyway: build logs mask it.
  const apiToken = worker ? (env.SLIPWAY_API_TOKEN?.trim() ?? '') : text(env, 'SLIPWAY_API_TOKEN');
  if (!worker && apiToken.length < 16) throw new ConfigError('SLIPWAY_API_TOKEN', 'must be at least 16 characters');
  const prefix = text(env, 'SLIPWAY_PREFIX', 'slipway');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) throw new ConfigError('SLIPWAY_PREFIX', `must be lowercase letters, digits and dashes, got "${prefix}"`);
  const host = text(env, 'SLIPWAY_HOST', '127.0.0.1');
  const port = integer(env, 'SLIPWAY_PORT', 8080, [0, 65535]);
  const schemes = text(env, 'SLIPWAY_ALLOWED_REPO_SCHEMES', 'https,ssh').split(',').map((s) => s.trim());
  const unknown = schemes.filter((s) => !REPO_SCHEMES.includes(s as RepoScheme));
  if (unknown.length) throw new ConfigError('SLIPWAY_ALLOWED_REPO_SCHEMES', `has unknown scheme(s) ${unknown.join(', ')}; allowed: ${REPO_SCHEMES.join(', ')}`);

  const redisUrl = url(env, 'SLIPWAY_REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379');
  return {
    redisUrl,
    redisSentinel: redisSentinel(env, redisUrl),
    prefix,
    apiToken,
    host,
    port,
    publicUrl: url(env, 'SLIPWAY_PUBLIC_URL', ['http:', 'https:'], `http://${host}:${port}`),
    dockerHost: url(env, 'DOCKER_HOST', ['unix:', 'tcp:', 'http:', 'https:'], 'unix:///var/run/docker.sock'),
    registry: registry(env),
    builderImages: oneOf(env, 'SLIPWAY_BUILDER_IMAGES', ['public', 'local'] as const, 'public'),
    workDir: path.resolve(text(env, 'SLIPWAY_WORK_DIR', path.join(os.tmpdir(), 'slipway-builds'))),
    buildNetwork: dockerName(env, 'SLIPWAY_BUILD_NETWORK', 'slipway-builds'),
    buildConcurrency: integer(env, 'SLIPWAY_BUILD_CONCURRENCY', 2, [1, 64]),
    deployConcurrency: integer(env, 'SLIPWAY_DEPLOY_CONCURRENCY', 4, [1, 64]),
    jobLockMs: integer(env, 'SLIPWAY_JOB_LOCK_MS', 30_000, [1000, 3_600_000]),
    cancelRunningBuilds: boolean(env, 'SLIPWAY_CANCEL_RUNNING_BUILDS', false),
    kubeconfig: env.SLIPWAY_KUBECONFIG?.trim() || undefined,
    manageNamespaces: boolean(env, 'SLIPWAY_MANAGE_NAMESPACES', true),
    verifyReleases: boolean(env, 'SLIPWAY_VERIFY_RELEASES', true),
    ...(env.SLIPWAY_PROMETHEUS_URL?.trim() ? { prometheusUrl: url(env, 'SLIPWAY_PROMETHEUS_URL', ['http:', 'https:'], '') } : {}),
    ...ingressClass(env),
    webhookBodyLimit: integer(env, 'SLIPWAY_WEBHOOK_BODY_LIMIT', 5 * 1024 * 1024, [1024, 100 * 1024 * 1024]),
    allowedRepoSchemes: schemes as RepoScheme[],
    allowPrivateRepoHosts: boolean(env, 'SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS', false),
    logLevel: oneOf(env, 'SLIPWAY_LOG_LEVEL', LOG_LEVELS, 'info'),
    // issue 14, untrusted checkout and bounded logs.
    repoFileLimit: integer(env, 'SLIPWAY_REPO_FILE_LIMIT', 1024 * 1024, [1024, 64 * 1024 * 1024]),
    logLineLimit: integer(env, 'SLIPWAY_LOG_LINE_LIMIT', 8 * 1024, [256, 1024 * 1024]),
    logByteLimit: integer(env, 'SLIPWAY_LOG_BYTE_LIMIT', 8 * 1024 * 1024, [64 * 1024, 1024 * 1024 * 1024]),
    // issue 14, API hardening, namespaces and templates.
    http: httpTimeouts(env),
    rateLimits: {
      webhooksPerMinute: integer(env, 'SLIPWAY_RATE_LIMIT_WEBHOOKS', 120, [0, 1_000_000]),
      apiPerMinute: integer(env, 'SLIPWAY_RATE_LIMIT_API', 1200, [0, 1_000_000]),
    },
    namespaces: namespaceRules(env),
    templatesAllowPrivileged: boolean(env, 'SLIPWAY_TEMPLATES_ALLOW_PRIVILEGED', false),
    // issue 14, secrets at rest.
    secretsKeys: secretsKeys(env),
    podPlacement: podPlacement(env),
    arbitraryUids: boolean(env, 'SLIPWAY_ARBITRARY_UIDS', false),
    openshift: loadOpenShiftSettings(env),
  };
}
