import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

// issue 14, secrets at rest: every config needs a secrets key (32 bytes, base64).
const KEY = Buffer.alloc(32, 7).toString('base64');
const base = { SLIPWAY_API_TOKEN: 'a-token-of-enough-length', SLIPWAY_REGISTRY: '127.0.0.1:5000', SLIPWAY_SECRETS_KEY: KEY };

describe('loadConfig', () => {
  test('defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'slipway',
      host: '127.0.0.1',
      port: 8080,
      publicUrl: 'http://127.0.0.1:8080',
      dockerHost: 'unix:///var/run/docker.sock',
      registry: { host: '127.0.0.1:5000' },
      builderImages: 'public',
      buildConcurrency: 2,
      buildNetwork: 'slipway-builds',
      allowedRepoSchemes: ['https', 'ssh'],
      allowPrivateRepoHosts: false,
      manageNamespaces: true,
    });
  });

  test('reads every variable', () => {
    const config = loadConfig({
      ...base,
      SLIPWAY_REDIS_URL: 'redis://10.0.0.1:6390/2',
      SLIPWAY_PREFIX: 'ci-1',
      SLIPWAY_PORT: '9000',
      SLIPWAY_PUBLIC_URL: 'https://slipway.example.com/',
      DOCKER_HOST: 'tcp://builder:2375',
      SLIPWAY_REGISTRY_USER: 'u',
      SLIPWAY_REGISTRY_PASSWORD: 'p',
      SLIPWAY_BUILDER_IMAGES: 'local',
      SLIPWAY_BUILD_CONCURRENCY: '4',
      SLIPWAY_BUILD_NETWORK: 'builds-a',
      SLIPWAY_ALLOWED_REPO_SCHEMES: 'https, git',
      SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS: 'yes',
      SLIPWAY_MANAGE_NAMESPACES: 'false',
    });
    expect(config).toMatchObject({
      redisUrl: 'redis://10.0.0.1:6390/2',
      prefix: 'ci-1',
      port: 9000,
      publicUrl: 'https://slipway.example.com',
      dockerHost: 'tcp://builder:2375',
      registry: { host: '127.0.0.1:5000', username: 'u', password: 'p' },
      builderImages: 'local',
      buildConcurrency: 4,
      buildNetwork: 'builds-a',
      allowedRepoSchemes: ['https', 'git'],
      allowPrivateRepoHosts: true,
      manageNamespaces: false,
    });
  });

  test.each([
    ['token missing', { SLIPWAY_API_TOKEN: '' }, 'SLIPWAY_API_TOKEN', /required/],
    ['token too short', { SLIPWAY_API_TOKEN: 'short' }, 'SLIPWAY_API_TOKEN', /at least 16/],
    ['build network is the host network', { SLIPWAY_BUILD_NETWORK: 'host' }, 'SLIPWAY_BUILD_NETWORK', /isolated build network/],
    ['build network name with a slash', { SLIPWAY_BUILD_NETWORK: 'a/b' }, 'SLIPWAY_BUILD_NETWORK', /Docker network name/],
    ['registry missing', { SLIPWAY_REGISTRY: undefined }, 'SLIPWAY_REGISTRY', /required/],
    ['registry with scheme', { SLIPWAY_REGISTRY: 'http://r:5000' }, 'SLIPWAY_REGISTRY', /host\[:port\]/],
    ['redis url not redis', { SLIPWAY_REDIS_URL: 'http://x' }, 'SLIPWAY_REDIS_URL', /redis:/],
    ['redis url garbage', { SLIPWAY_REDIS_URL: 'not a url' }, 'SLIPWAY_REDIS_URL', /must be a URL/],
    ['port not a number', { SLIPWAY_PORT: 'eighty' }, 'SLIPWAY_PORT', /integer/],
    ['port out of range', { SLIPWAY_PORT: '70000' }, 'SLIPWAY_PORT', /0 to 65535/],
    ['concurrency zero', { SLIPWAY_BUILD_CONCURRENCY: '0' }, 'SLIPWAY_BUILD_CONCURRENCY', /1 to 64/],
    ['unknown builder images', { SLIPWAY_BUILDER_IMAGES: 'remote' }, 'SLIPWAY_BUILDER_IMAGES', /public, local/],
    ['unknown scheme', { SLIPWAY_ALLOWED_REPO_SCHEMES: 'https,file' }, 'SLIPWAY_ALLOWED_REPO_SCHEMES', /file/],
    ['bad boolean', { SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS: 'maybe' }, 'SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS', /true or false/],
    ['manage namespaces not a boolean', { SLIPWAY_MANAGE_NAMESPACES: 'sometimes' }, 'SLIPWAY_MANAGE_NAMESPACES', /true or false/],
    ['prefix with spaces', { SLIPWAY_PREFIX: 'my prefix' }, 'SLIPWAY_PREFIX', /lowercase/],
    ['registry user without password', { SLIPWAY_REGISTRY_USER: 'u' }, 'SLIPWAY_REGISTRY_PASSWORD', /together/],
    ['docker host scheme', { DOCKER_HOST: 'ftp://x' }, 'DOCKER_HOST', /unix:/],
    ['log level', { SLIPWAY_LOG_LEVEL: 'loud' }, 'SLIPWAY_LOG_LEVEL', /info/],
  ])('%s names the variable', (_name, env, variable, message) => {
    expectRefused({ ...base, ...env }, variable, message);
    expect(refusal({ ...base, ...env }).message).toContain(variable);
  });
});

// issue 14, untrusted checkout and bounded logs: the limits on what a repo and a build may make Slipway hold.
describe('loadConfig: repo file and log limits', () => {
  test('defaults: 1 MiB a repo file, 8 KiB a log line, 8 MiB a build log', () => {
    expect(loadConfig(base)).toMatchObject({ repoFileLimit: 1024 * 1024, logLineLimit: 8192, logByteLimit: 8 * 1024 * 1024 });
  });

  test('read from the environment', () => {
    const config = loadConfig({ ...base, SLIPWAY_REPO_FILE_LIMIT: '65536', SLIPWAY_LOG_LINE_LIMIT: '1024', SLIPWAY_LOG_BYTE_LIMIT: '131072' });
    expect(config).toMatchObject({ repoFileLimit: 65536, logLineLimit: 1024, logByteLimit: 131072 });
  });

  test.each([
    ['SLIPWAY_REPO_FILE_LIMIT', '0', /1024 to/],
    ['SLIPWAY_REPO_FILE_LIMIT', 'lots', /integer/],
    ['SLIPWAY_LOG_LINE_LIMIT', '16', /256 to/],
    ['SLIPWAY_LOG_BYTE_LIMIT', '1000', /65536 to/],
  ])('%s=%s is refused', (variable, value, message) => {
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(message);
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(variable);
  });
});

// issue 14, secrets at rest: the key is required, read inline or from a file, and old keys for rotation.
describe('loadConfig: secrets keys', () => {
  const other = Buffer.alloc(32, 9).toString('base64');
  const third = Buffer.alloc(32, 11).toString('base64');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  test('inline key, inline old keys', () => {
    const config = loadConfig({ ...base, SLIPWAY_SECRETS_OLD_KEYS: `${other}, ${third}` });
    expect(config.secretsKeys.current).toEqual(Buffer.alloc(32, 7));
    expect(config.secretsKeys.old).toEqual([Buffer.alloc(32, 9), Buffer.alloc(32, 11)]);
  });

  test('key and old keys from files (as test/env writes them: base64 and a newline)', () => {
    const config = loadConfig({
      ...base,
      SLIPWAY_SECRETS_KEY: undefined,
      SLIPWAY_SECRETS_KEY_FILE: file('key', `${KEY}\n`),
      SLIPWAY_SECRETS_OLD_KEYS_FILE: file('old', `${other}\n${third}\n`),
    });
    expect(config.secretsKeys).toEqual({ current: Buffer.alloc(32, 7), old: [Buffer.alloc(32, 9), Buffer.alloc(32, 11)] });
  });

  test.each([
    ['no key at all', { SLIPWAY_SECRETS_KEY: undefined }, 'SLIPWAY_SECRETS_KEY', /required/],
    ['key and key file both', { SLIPWAY_SECRETS_KEY_FILE: '/dev/null' }, 'SLIPWAY_SECRETS_KEY', /both set/],
    ['key too short', { SLIPWAY_SECRETS_KEY: Buffer.alloc(16).toString('base64') }, 'SLIPWAY_SECRETS_KEY', /32 random bytes/],
    ['key not base64', { SLIPWAY_SECRETS_KEY: 'not a key at all, not base64!!!!!!!!!!!!!!!' }, 'SLIPWAY_SECRETS_KEY', /base64/],
    ['key file missing', { SLIPWAY_SECRETS_KEY: undefined, SLIPWAY_SECRETS_KEY_FILE: '/nonexistent/slipway.key' }, 'SLIPWAY_SECRETS_KEY_FILE', /ENOENT/],
    ['old key malformed', { SLIPWAY_SECRETS_OLD_KEYS: 'abc' }, 'SLIPWAY_SECRETS_OLD_KEYS', /32 random bytes/],
  ])('%s names the variable', (_name, env, variable, message) => {
    let thrown: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toMatch(message);
    // A key never appears in a message.
    expect((thrown as ConfigError).message).not.toContain(KEY);
  });
});

// issue 14, least privilege: only the API checks the token, so the workers are started without one.
describe('loadConfig: the API token is the API\'s', () => {
  const { SLIPWAY_API_TOKEN: _token, ...withoutToken } = base;
  test('a worker loads without it (and keeps one it is given anyway, for masking)', () => {
    expect(loadConfig(withoutToken, { role: 'worker' }).apiToken).toBe('');
    expect(loadConfig(base, { role: 'worker' }).apiToken).toBe(base.SLIPWAY_API_TOKEN);
  });
  test('the API (the default role) still refuses to start without it', () => {
    expect(() => loadConfig(withoutToken)).toThrow(expect.objectContaining({ variable: 'SLIPWAY_API_TOKEN' }));
    expect(() => loadConfig(withoutToken, { role: 'api' })).toThrow(ConfigError);
  });
});

// issue 14, API hardening, namespaces and templates.
describe('loadConfig: HTTP timeouts, rate limits, namespaces, templates', () => {
  test('defaults: 30 s a request, 10 s its headers, 120 s an idle socket; 120 webhooks and 1200 API calls a minute; no namespace rules', () => {
    expect(loadConfig(base)).toMatchObject({
      http: { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, connectionTimeoutMs: 120_000 },
      rateLimits: { webhooksPerMinute: 120, apiPerMinute: 1200 },
      namespaces: {},
      templatesAllowPrivileged: false,
    });
  });

  test('read from the environment', () => {
    const config = loadConfig({
      ...base,
      SLIPWAY_REQUEST_TIMEOUT_MS: '5000',
      SLIPWAY_HEADERS_TIMEOUT_MS: '2000',
      SLIPWAY_CONNECTION_TIMEOUT_MS: '0',
      SLIPWAY_RATE_LIMIT_WEBHOOKS: '0',
      SLIPWAY_RATE_LIMIT_API: '50',
      SLIPWAY_NAMESPACE_PREFIX: 'apps-',
      SLIPWAY_NAMESPACES: 'legacy, default',
      SLIPWAY_NAMESPACE: 'slipway',
      SLIPWAY_TEMPLATES_ALLOW_PRIVILEGED: 'true',
    });
    expect(config).toMatchObject({
      http: { requestTimeoutMs: 5000, headersTimeoutMs: 2000, connectionTimeoutMs: 0 },
      rateLimits: { webhooksPerMinute: 0, apiPerMinute: 50 },
      namespaces: { prefix: 'apps-', allowed: ['legacy', 'default'], own: 'slipway' },
      templatesAllowPrivileged: true,
    });
  });

  test('a short request timeout brings the headers timeout down with it', () => {
    expect(loadConfig({ ...base, SLIPWAY_REQUEST_TIMEOUT_MS: '500' }).http).toMatchObject({ requestTimeoutMs: 500, headersTimeoutMs: 500 });
  });

  test.each([
    ['SLIPWAY_HEADERS_TIMEOUT_MS', { SLIPWAY_REQUEST_TIMEOUT_MS: '1000', SLIPWAY_HEADERS_TIMEOUT_MS: '2000' }, /must not exceed SLIPWAY_REQUEST_TIMEOUT_MS/],
    ['SLIPWAY_REQUEST_TIMEOUT_MS', { SLIPWAY_REQUEST_TIMEOUT_MS: '0' }, /100 to/],
    ['SLIPWAY_RATE_LIMIT_API', { SLIPWAY_RATE_LIMIT_API: '-1' }, /0 to/],
    ['SLIPWAY_NAMESPACE_PREFIX', { SLIPWAY_NAMESPACE_PREFIX: 'Apps_' }, /lowercase/],
    ['SLIPWAY_NAMESPACE_PREFIX', { SLIPWAY_NAMESPACE_PREFIX: 'kube-' }, /Kubernetes' own/],
    ['SLIPWAY_NAMESPACES', { SLIPWAY_NAMESPACES: 'shop,kube-system' }, /Kubernetes' own/],
    ['SLIPWAY_NAMESPACES', { SLIPWAY_NAMESPACES: 'shop,Not A Namespace' }, /namespace names/],
    ['SLIPWAY_NAMESPACES', { SLIPWAY_NAMESPACES: 'slipway', SLIPWAY_NAMESPACE: 'slipway' }, /Slipway's own namespace/],
    ['SLIPWAY_NAMESPACE', { SLIPWAY_NAMESPACE: 'kube-system' }, /Kubernetes' own/],
    ['SLIPWAY_TEMPLATES_ALLOW_PRIVILEGED', { SLIPWAY_TEMPLATES_ALLOW_PRIVILEGED: 'maybe' }, /true or false/],
  ])('%s is refused: %j', (variable, env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
    expect(() => loadConfig({ ...base, ...env })).toThrow(variable);
  });
});

describe('loadConfig: pod placement (SLIPWAY_POD_NODE_SELECTOR, SLIPWAY_POD_TOLERATIONS)', () => {
  test('default: no node selector, no tolerations', () => {
    expect(loadConfig(base).podPlacement).toEqual({ nodeSelector: {}, tolerations: [] });
  });

  test('read from the environment', () => {
    const config = loadConfig({
      ...base,
      SLIPWAY_POD_NODE_SELECTOR: 'slipway.dev/node=real, zone=a,empty=',
      SLIPWAY_POD_TOLERATIONS: 'slipway.dev/real-node=true:NoSchedule,dedicated:NoExecute,gpu,spot=yes',
    });
    expect(config.podPlacement).toEqual({
      nodeSelector: { 'slipway.dev/node': 'real', zone: 'a', empty: '' },
      tolerations: [
        { key: 'slipway.dev/real-node', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
        { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
        { key: 'gpu', operator: 'Exists' },
        { key: 'spot', operator: 'Equal', value: 'yes' },
      ],
    });
  });

  test.each([
    ['SLIPWAY_POD_NODE_SELECTOR', 'real', /key=value/],
    ['SLIPWAY_POD_NODE_SELECTOR', 'Bad_Prefix.io/node=real', /invalid label key/],
    ['SLIPWAY_POD_NODE_SELECTOR', 'node=has space', /invalid label value/],
    ['SLIPWAY_POD_NODE_SELECTOR', `node=${'a'.repeat(64)}`, /invalid label value/],
    ['SLIPWAY_POD_TOLERATIONS', 'slipway.dev/real-node=true:Sometimes', /unknown effect "Sometimes"/],
    ['SLIPWAY_POD_TOLERATIONS', '=true:NoSchedule', /key\[=value\]\[:Effect\]/],
    ['SLIPWAY_POD_TOLERATIONS', 'a b=c', /invalid label key/],
  ])('%s=%s is refused', (variable, value, message) => {
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(message);
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(variable);
  });
});

// issue 17, Redis through Sentinel: connections ask the sentinels for the primary (src/store/redis.ts).
describe('loadConfig: Redis through Sentinel', () => {
  test('unset: no sentinel, the URL is dialled directly', () => {
    expect(loadConfig(base).redisSentinel).toBeUndefined();
  });

  test.each([
    ['two sentinels', { SLIPWAY_REDIS_SENTINELS: '10.0.0.1:26379, s2.example.com:26380', SLIPWAY_REDIS_SENTINEL_NAME: 'mymaster' },
      { sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: 's2.example.com', port: 26380 }], name: 'mymaster' }],
    ['an IPv6 sentinel and a sentinel password', { SLIPWAY_REDIS_SENTINELS: '[::1]:26379', SLIPWAY_REDIS_SENTINEL_NAME: 'slipway-redis', SLIPWAY_REDIS_SENTINEL_PASSWORD: 's3cret' },
      { sentinels: [{ host: '::1', port: 26379 }], name: 'slipway-redis', password: 's3cret' }],
  ])('%s', (_name, env, expected) => {
    const config = loadConfig({ ...base, SLIPWAY_REDIS_URL: 'redis://:data-pass@ignored:6379/3', ...env });
    expect(config.redisSentinel).toEqual(expected);
    // The URL still carries the data nodes' password and db.
    expect(config.redisUrl).toBe('redis://:data-pass@ignored:6379/3');
  });

  test.each([
    ['no port', { SLIPWAY_REDIS_SENTINELS: '10.0.0.1', SLIPWAY_REDIS_SENTINEL_NAME: 'm' }, 'SLIPWAY_REDIS_SENTINELS', /host:port/],
    ['port out of range', { SLIPWAY_REDIS_SENTINELS: '10.0.0.1:70000', SLIPWAY_REDIS_SENTINEL_NAME: 'm' }, 'SLIPWAY_REDIS_SENTINELS', /host:port/],
    ['a URL instead of host:port', { SLIPWAY_REDIS_SENTINELS: 'redis://10.0.0.1:26379', SLIPWAY_REDIS_SENTINEL_NAME: 'm' }, 'SLIPWAY_REDIS_SENTINELS', /host:port/],
    ['sentinels without a name', { SLIPWAY_REDIS_SENTINELS: '10.0.0.1:26379' }, 'SLIPWAY_REDIS_SENTINEL_NAME', /required/],
    ['a name with a space', { SLIPWAY_REDIS_SENTINELS: '10.0.0.1:26379', SLIPWAY_REDIS_SENTINEL_NAME: 'my master' }, 'SLIPWAY_REDIS_SENTINEL_NAME', /letters, digits/],
    ['a name without sentinels', { SLIPWAY_REDIS_SENTINEL_NAME: 'mymaster' }, 'SLIPWAY_REDIS_SENTINEL_NAME', /SLIPWAY_REDIS_SENTINELS is not/],
    ['a sentinel password without sentinels', { SLIPWAY_REDIS_SENTINEL_PASSWORD: 'p' }, 'SLIPWAY_REDIS_SENTINEL_PASSWORD', /SLIPWAY_REDIS_SENTINELS is not/],
    ['TLS through Sentinel', { SLIPWAY_REDIS_URL: 'rediss://:p@x:6379', SLIPWAY_REDIS_SENTINELS: '10.0.0.1:26379', SLIPWAY_REDIS_SENTINEL_NAME: 'm' }, 'SLIPWAY_REDIS_URL', /not supported yet/],
  ])('%s names the variable', (_name, env, variable, message) => {
    expectRefused({ ...base, ...env }, variable, message);
  });
});

/** The ConfigError loadConfig throws for `env` (fails the test when it throws none). */
function refusal(env: Record<string, string | undefined>): ConfigError {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

function expectRefused(env: Record<string, string | undefined>, variable: string, message: RegExp): void {
  const error = refusal(env);
  expect(error.variable).toBe(variable);
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.message).toMatch(message);
}
