import { httpRoute, withBackends } from '../../../src/releases/render/http-route.js';

const route = httpRoute({ metadata: { name: 'shop', namespace: 'shop' }, gateway: { name: 'edge' }, backends: [{ service: 'shop-r3', weight: 100 }] });

describe('the weighted route of a canary step', () => {
  test.each([
    ['a step: both sides by weight', [{ service: 'shop-r2', weight: 90 }, { service: 'shop-r3', weight: 10 }], [['shop-r2', 90], ['shop-r3', 10]]],
    ['all back on the stable release: a side at 0 is left out', [{ service: 'shop-r2', weight: 100 }, { service: 'shop-r3', weight: 0 }], [['shop-r2', 100]]],
  ])('%s', (_name, backends, expected) => {
    const spec = withBackends(route, backends).spec as { rules: Array<{ backendRefs: Array<{ name: string; weight: number }>; matches: unknown }> };
    expect(spec.rules[0]!.backendRefs.map((b) => [b.name, b.weight])).toEqual(expected);
    expect(spec.rules[0]!.matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
  });

  test('no host: the route takes every request the Gateway gives it; the Gateway in the app namespace unless named', () => {
    expect(route.spec).not.toHaveProperty('hostnames');
    expect((route.spec as { parentRefs: unknown[] }).parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }]);
  });
});
