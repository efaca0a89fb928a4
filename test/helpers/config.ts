import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/**
 * A config for one test file: the real services from test/env (their variables are exported
 * by scripts/test.sh), and a prefix of its own so suites never see each other's keys or jobs.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  for (const name of ['SLIPWAY_REDIS_URL', 'DOCKER_HOST', 'SLIPWAY_REGISTRY', 'SLIPWAY_GIT_ROOT']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run tests with scripts/test.sh (or source ~/.cache/slipway/state/env.sh)`);
  }
  // issue 14, secrets at rest: test/env writes the key and exports SLIPWAY_SECRETS_KEY_FILE.
  if (!process.env.SLIPWAY_SECRETS_KEY && !process.env.SLIPWAY_SECRETS_KEY_FILE) {
    throw new Error('SLIPWAY_SECRETS_KEY_FILE is not set: run tests with scripts/test.sh (or source ~/.cache/slipway/state/env.sh)');
  }
  const id = randomUUID().slice(0, 8);
  return loadConfig({
    ...process.env,
    SLIPWAY_API_TOKEN: TEST_TOKEN,
    SLIPWAY_PREFIX: `test-${id}`,
    SLIPWAY_LOG_LEVEL: 'warn',
    // kwok's pods are simulated: nothing listens, so no release on a kwok node could answer a
    // verification request. Suites on the real node turn it back on (helpers/real-node.ts).
    SLIPWAY_VERIFY_RELEASES: 'false',
    SLIPWAY_WORK_DIR: path.join(os.tmpdir(), `slipway-test-${id}`),
    ...overrides,
  });
}

export const auth = { authorization: `Bearer ${TEST_TOKEN}` };
