import { checkDeployConfig, defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const config = defaultDeployConfig('shop');

describe('checkDeployConfig', () => {
  test.each<[string, Partial<DeployConfig>, RegExp]>([
    ['no surge and nothing unavailable', { strategy: { type: 'Rolling', maxSurge: 0, maxUnavailable: 0 } }, /cannot both be 0/],
    ['0% and 0', { strategy: { type: 'Rolling', maxSurge: '0%', maxUnavailable: 0 } }, /cannot both be 0/],
    ['surge settings on Recreate', { strategy: { type: 'Recreate', maxSurge: 1 } }, /Rolling strategy only/],
    ['a strategy on a StatefulSet', { kind: 'StatefulSet', strategy: { type: 'Recreate' } }, /StatefulSet keeps its own update strategy/],
  ])('refuses %s', (_name, patch, message) => {
    expect(() => checkDeployConfig({ ...config, ...patch })).toThrow(message);
  });

  test.each<[string, Partial<DeployConfig>]>([
    ['no strategy', {}],
    ['Rolling with surge only', { strategy: { type: 'Rolling', maxSurge: 1, maxUnavailable: 0 } }],
    ['Rolling by default surge', { strategy: { type: 'Rolling' } }],
    ['Recreate', { strategy: { type: 'Recreate' } }],
  ])('accepts %s', (_name, patch) => {
    expect(() => checkDeployConfig({ ...config, ...patch })).not.toThrow();
  });

  test('hooks get their defaults: 300 s, and a failed post hook is only reported', () => {
    const checked = checkDeployConfig({ ...config, hooks: { pre: { command: ['migrate'] }, post: { command: ['notify'] } } as DeployConfig['hooks'] });
    expect(checked.hooks).toEqual({ pre: { command: ['migrate'], timeoutSeconds: 300 }, post: { command: ['notify'], timeoutSeconds: 300, onFailure: 'report' } });
  });
});
