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
    ['canary on a StatefulSet', { kind: 'StatefulSet', strategy: { type: 'Canary' } }, /StatefulSet keeps its own update strategy/],
    ['steps on BlueGreen', { strategy: { type: 'BlueGreen', steps: [50, 100] } }, /steps applies to the Canary strategy only/],
    ['a pause on Rolling', { strategy: { type: 'Rolling', pauseSeconds: 10 } }, /pauseSeconds applies to the Canary strategy only/],
    ['manual promotion on Recreate', { strategy: { type: 'Recreate', manualPromotion: true } }, /manualPromotion applies to the BlueGreen and Canary strategies only/],
    ['a scale-down delay on Canary', { strategy: { type: 'Canary', scaleDownDelaySeconds: 5 } }, /scaleDownDelaySeconds applies to the BlueGreen strategy only/],
    ['surge settings on Canary', { strategy: { type: 'Canary', maxSurge: 1 } }, /maxSurge applies to the Rolling strategy only/],
    ['canary steps that do not rise', { strategy: { type: 'Canary', steps: [50, 20, 100] } }, /canary steps must rise: 50, 20, 100/],
    ['canary steps that repeat', { strategy: { type: 'Canary', steps: [50, 50] } }, /must rise/],
    ['a preview host without a host', { strategy: { type: 'BlueGreen', previewHost: 'preview.x.test' } }, /previewHost needs the app to have a host/],
    ['blue-green without a Service', { service: false, strategy: { type: 'BlueGreen' } }, /needs one/],
    ['a Gateway on BlueGreen', { strategy: { type: 'BlueGreen', gatewayRef: { name: 'edge' } } }, /gatewayRef applies to the Canary strategy only/],
    ['a weighted canary without a Service', { service: false, strategy: { type: 'Canary', gatewayRef: { name: 'edge' } } }, /Services of its own/],
    [
      'canary with a ReadWriteOnce volume',
      { strategy: { type: 'Canary' }, volumes: [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' }] as DeployConfig['volumes'] },
      /runs two releases at once, and volume "data" is ReadWriteOnce/,
    ],
  ])('refuses %s', (_name, patch, message) => {
    expect(() => checkDeployConfig({ ...config, ...patch })).toThrow(message);
  });

  test.each<[string, Partial<DeployConfig>]>([
    ['no strategy', {}],
    ['Rolling with surge only', { strategy: { type: 'Rolling', maxSurge: 1, maxUnavailable: 0 } }],
    ['Rolling by default surge', { strategy: { type: 'Rolling' } }],
    ['Recreate', { strategy: { type: 'Recreate' } }],
    ['BlueGreen', { strategy: { type: 'BlueGreen' } }],
    ['BlueGreen, manual, with a preview host', { host: 'shop.x.test', strategy: { type: 'BlueGreen', manualPromotion: true, scaleDownDelaySeconds: 0, previewHost: 'next.x.test' } }],
    ['Canary with steps and a pause', { strategy: { type: 'Canary', steps: [5, 25, 60], pauseSeconds: 120 } }],
    ['Canary behind a Gateway', { strategy: { type: 'Canary', gatewayRef: { name: 'edge', namespace: 'gateways' } } }],
    ['Canary with a ReadWriteMany volume', { strategy: { type: 'Canary' }, volumes: [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteMany' }] as DeployConfig['volumes'] }],
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
