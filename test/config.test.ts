import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const base = { SLIPWAY_API_TOKEN: 'a-token-of-enough-length', SLIPWAY_REGISTRY: '127.0.0.1:5000' };

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
      allowedRepoSchemes: ['https', 'git'],
      allowPrivateRepoHosts: true,
      manageNamespaces: false,
    });
  });

  test.each([
    ['token missing', { SLIPWAY_API_TOKEN: '' }, 'SLIPWAY_API_TOKEN', /required/],
    ['token too short', { SLIPWAY_API_TOKEN: 'short' }, 'SLIPWAY_API_TOKEN', /at least 16/],
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
    let thrown: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).code).toBe('CONFIG_INVALID');
    expect((thrown as ConfigError).message).toMatch(message);
    expect((thrown as ConfigError).message).toContain(variable);
  });
});
