import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';

// Apps and templates deploy only into namespaces Slipway may use (issue 14): refused with
// 422 NAMESPACE_FORBIDDEN on create, PATCH, a release with a deploy change and provisioning,
// and nothing stored changes. Every refusal here happens before the cluster is asked anything.
const GIT = 'git://127.0.0.1:9419';
const IMAGE = `127.0.0.1:5000/app@sha256:${'a'.repeat(64)}`;

describe('without a prefix or an allow-list', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({ SLIPWAY_NAMESPACE: 'slipway-system' });
    await t.createApp({ name: 'shop', repo: `${GIT}/shop.git` });
  });
  afterAll(() => t.close());

  const state = async () => JSON.stringify({ apps: await t.services.apps.list(), releases: await t.services.releases.list('shop') });

  test.each([
    ['kube-system', 'kube-system'],
    ['kube-public', 'kube-public'],
    ['kube-node-lease', 'kube-node-lease'],
    ["Slipway's own namespace", 'slipway-system'],
    ['default', 'default'],
  ])('%s: create, PATCH, a release with a deploy change and provisioning → 422, nothing stored changes', async (_name, namespace) => {
    const before = await state();
    const requests = [
      { method: 'POST' as const, url: '/apps', payload: { name: 'evil', repo: `${GIT}/evil.git`, deploy: { namespace } } },
      { method: 'PATCH' as const, url: '/apps/shop', payload: { deploy: { namespace } } },
      { method: 'POST' as const, url: '/apps/shop/releases', payload: { image: IMAGE, deploy: { namespace, replicas: 3 } } },
      { method: 'POST' as const, url: '/templates/provision', payload: { template: 'redis-persistent', namespace, waitSeconds: 0 } },
    ];
    for (const request of requests) {
      const res = await t.api.inject({ ...request, headers: auth });
      expect({ url: request.url, status: res.statusCode, code: res.json().error?.code }).toEqual({ url: request.url, status: 422, code: 'NAMESPACE_FORBIDDEN' });
      expect(res.json().error.message).toContain(`"${namespace}"`);
    }
    expect(await state()).toBe(before);
    expect(await t.services.apps.find('evil')).toBeUndefined();
  });

  test('an app named like a reserved namespace needs another namespace', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'kube-tools', repo: `${GIT}/k.git` } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('NAMESPACE_FORBIDDEN');
    const moved = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'kube-tools', repo: `${GIT}/k.git`, deploy: { namespace: 'tools' } } });
    expect(moved.statusCode).toBe(201);
  });

  test('any other namespace is fine, and a PATCH there is stored', async () => {
    const res = await t.api.inject({ method: 'PATCH', url: '/apps/shop', headers: auth, payload: { deploy: { namespace: 'shop-staging' } } });
    expect(res.statusCode).toBe(200);
    expect((await t.services.apps.get('shop')).deploy.namespace).toBe('shop-staging');
  });
});

describe('with SLIPWAY_NAMESPACE_PREFIX and SLIPWAY_NAMESPACES', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({ SLIPWAY_NAMESPACE_PREFIX: 'apps-', SLIPWAY_NAMESPACES: 'legacy,default' });
  });
  afterAll(() => t.close());

  const create = (name: string, deploy: Record<string, unknown> = {}) =>
    t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name, repo: `${GIT}/${name}.git`, deploy } });

  test.each([
    ['no namespace: <prefix><app>', 'one', {}, 201, 'apps-one'] as const,
    ['a prefixed namespace', 'two', { namespace: 'apps-shared' }, 201, 'apps-shared'],
    ['a listed namespace', 'three', { namespace: 'legacy' }, 201, 'legacy'],
    ['default, listed', 'four', { namespace: 'default' }, 201, 'default'],
    ['neither prefixed nor listed', 'five', { namespace: 'other' }, 422, /starting with "apps-".*legacy, default/],
    ['kube-system, whatever is listed', 'six', { namespace: 'kube-system' }, 422, /Kubernetes' own/],
  ])('%s', async (_name, app, deploy, status, expected) => {
    const res = await create(app, deploy);
    expect(res.statusCode).toBe(status);
    if (typeof expected === 'string') expect(res.json().app.deploy.namespace).toBe(expected);
    else {
      expect(res.json().error.code).toBe('NAMESPACE_FORBIDDEN');
      expect(res.json().error.message).toMatch(expected!);
      expect(await t.services.apps.find(app)).toBeUndefined();
    }
  });
});
