import { configRevert } from '../../../src/releases/rollback/config-revert.js';
import { defaultDeployConfig } from '../../../src/store/deploy-config.js';
import type { App, DeployConfig, Release } from '../../../src/store/types.js';

const good: DeployConfig = { ...defaultDeployConfig('web'), env: { GREETING: 'hi' } };
const bad: DeployConfig = { ...good, env: { GREETING: 'hi', CRASH: '1' }, host: 'www.x.test' };
const release = (number: number, config: DeployConfig, port = 8080) => ({ app: 'web', number, config, port }) as Release;
const app = (deploy: DeployConfig, port = 8080) => ({ name: 'web', port, deploy }) as App;

describe('configRevert', () => {
  test("the stored config is the failed release's: it becomes the restored one's, with the app's own replicas", () => {
    const decision = configRevert({ app: app({ ...bad, replicas: 3 }), failed: release(5, bad), restored: release(4, { ...good, replicas: 1 }) });
    expect(decision).toEqual({ action: 'write', app: app({ ...good, replicas: 3 }), reverted: ['env CRASH removed', 'host www.x.test removed'] });
  });

  test.each<[string, { stored: DeployConfig; port?: number; newer?: number }, unknown]>([
    ['replicas changed meanwhile (a scale) still counts as the failed config', { stored: { ...bad, replicas: 7 } }, { action: 'write' }],
    ['the port changed since the failed release: kept', { stored: bad, port: 9090 }, { action: 'keep' }],
    ['already reverted (a resumed rollback): says what differs, writes nothing', { stored: good }, { action: 'already', reverted: ['env CRASH removed', 'host www.x.test removed'] }],
    [
      'changed again since: left as it is, and said why',
      { stored: { ...bad, env: { FIXED: '1' } }, newer: 6 },
      { action: 'keep', why: "the app's config was changed again after release 5 (release 6 is recorded since): left as it is" },
    ],
    ['changed again without a newer release (saved for the next one)', { stored: { ...bad, readinessPath: '/ready' }, newer: 5 }, { action: 'keep', why: "the app's config was changed again after release 5: left as it is" }],
  ])('%s', (_name, { stored, port, newer }, expected) => {
    const decision = configRevert({ app: app(stored, port), failed: release(5, bad), restored: release(4, good), ...(newer ? { newer } : {}) });
    expect(decision).toMatchObject(expected as object);
  });

  test("the strategy is the app's, like replicas: a failed canary leaves the app on Canary, and a strategy set since is no change of config", () => {
    const canary = { type: 'Canary' as const, steps: [20, 100] };
    const failedCanary = configRevert({ app: app({ ...bad, strategy: canary }), failed: release(5, { ...bad, strategy: canary }), restored: release(4, good) });
    expect(failedCanary).toEqual({ action: 'write', app: app({ ...good, strategy: canary }), reverted: ['env CRASH removed', 'host www.x.test removed'] });
    const setSince = configRevert({ app: app({ ...bad, strategy: { type: 'BlueGreen' } }), failed: release(5, bad), restored: release(4, good) });
    expect(setSince).toMatchObject({ action: 'write', app: app({ ...good, strategy: { type: 'BlueGreen' } }) });
  });

  test('a port the failed release changed is restored with the config', () => {
    const decision = configRevert({ app: app(bad, 9090), failed: release(5, bad, 9090), restored: release(4, good, 8080) });
    expect(decision).toMatchObject({ action: 'write', app: { port: 8080, deploy: good }, reverted: ['port restored to 8080', 'env CRASH removed', 'host www.x.test removed'] });
  });

  test('a failed release that changed no config (a new image, a restart): nothing to revert', () => {
    expect(configRevert({ app: app(good), failed: release(5, good), restored: release(4, good) })).toEqual({ action: 'already', reverted: [] });
  });
});
