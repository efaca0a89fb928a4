import type { NamespaceRules } from '../../src/config.js';
import { checkAppNamespace, checkDeployConfig, defaultDeployConfig, mergeDeployConfig, namespaceRefusal } from '../../src/store/deploy-config.js';
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

describe('namespaceRefusal: apps and templates deploy only into namespaces Slipway may use', () => {
  const none: NamespaceRules = {};
  const inCluster: NamespaceRules = { own: 'slipway' };
  const prefixed: NamespaceRules = { prefix: 'apps-', own: 'slipway' };
  const listed: NamespaceRules = { allowed: ['shop', 'default'], own: 'slipway' };
  const both: NamespaceRules = { prefix: 'apps-', allowed: ['legacy'] };

  test.each<[string, NamespaceRules, string, RegExp | undefined]>([
    ['kube-system, whatever the rules', none, 'kube-system', /Kubernetes' own/],
    ['kube-public', listed, 'kube-public', /Kubernetes' own/],
    ['kube-node-lease', prefixed, 'kube-node-lease', /Kubernetes' own/],
    ['any later kube-* namespace', none, 'kube-flannel', /Kubernetes' own/],
    ["Slipway's own namespace", inCluster, 'slipway', /Slipway's own namespace/],
    ["Slipway's own namespace, even with a matching prefix", { prefix: 'slip', own: 'slipway' }, 'slipway', /Slipway's own namespace/],
    ['default, unlisted', none, 'default', /list it in SLIPWAY_NAMESPACES/],
    ['default, listed', listed, 'default', undefined],
    ['any other namespace without rules', none, 'shop', undefined],
    ['a namespace with the prefix', prefixed, 'apps-shop', undefined],
    ['a namespace without the prefix', prefixed, 'shop', /starting with "apps-"/],
    ['a listed namespace', listed, 'shop', undefined],
    ['an unlisted namespace', listed, 'other', /shop, default \(SLIPWAY_NAMESPACES\)/],
    ['prefix or list: the prefix', both, 'apps-x', undefined],
    ['prefix or list: the list', both, 'legacy', undefined],
    ['prefix or list: neither', both, 'x', /starting with "apps-" \(SLIPWAY_NAMESPACE_PREFIX\) or legacy \(SLIPWAY_NAMESPACES\)/],
  ])('%s', (_name, rules, namespace, refusal) => {
    const reason = namespaceRefusal(namespace, rules);
    if (refusal) expect(reason).toMatch(refusal);
    else expect(reason).toBeUndefined();
  });

  test('checkAppNamespace throws NAMESPACE_FORBIDDEN naming the namespace', () => {
    expect(() => checkAppNamespace('kube-system', none)).toThrow(expect.objectContaining({ code: 'NAMESPACE_FORBIDDEN', message: expect.stringContaining('"kube-system"') }));
  });

  test('mergeDeployConfig refuses a move into a forbidden namespace and leaves the current config alone', () => {
    const current = defaultDeployConfig('shop');
    const before = structuredClone(current);
    expect(() => mergeDeployConfig(current, { namespace: 'kube-system' }, none)).toThrow(expect.objectContaining({ code: 'NAMESPACE_FORBIDDEN' }));
    expect(current).toEqual(before);
    expect(mergeDeployConfig(current, { replicas: 2 }, none)).toMatchObject({ namespace: 'shop', replicas: 2 });
  });

  test('with a prefix, an app defaults to <prefix><app>', () => {
    expect(defaultDeployConfig('shop', { prefix: 'apps-' }).namespace).toBe('apps-shop');
    expect(defaultDeployConfig('shop').namespace).toBe('shop');
    expect(defaultDeployConfig('x'.repeat(63), { prefix: 'apps-' }).namespace).toHaveLength(63);
  });
});
