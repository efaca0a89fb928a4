import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

// The autoscale API on a real API instance, Redis and the test cluster's API server. The app has
// no release, so each change is saved for its first one; the HPA really scaling is
// test/e2e/real-node-autoscale.test.ts.

let t: TestApi;

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'shop', repo: 'git://127.0.0.1:9419/shop.git', branch: 'main' });
  await t.createApp({ name: 'files', repo: 'git://127.0.0.1:9419/files.git', branch: 'main' });
  await t.services.apps.replace({ ...(await t.services.apps.get('files')), deploy: { ...(await t.services.apps.get('files')).deploy, volumes: [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' }] } });
});
afterAll(() => t.close());

const inject = (method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, payload?: object) => t.api.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

test('sets, shows (in GET /apps/:app too), refuses `scale` while set, and turns off', async () => {
  expect((await inject('GET', '/apps/shop/autoscale')).json()).toEqual({ autoscale: null });
  const set = await inject('PUT', '/apps/shop/autoscale', { autoscale: { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 } });
  expect(set.statusCode).toBe(200);
  expect(set.json()).toEqual({ autoscale: { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 }, release: null });
  expect((await inject('GET', '/apps/shop')).json()).toMatchObject({ deploy: { autoscale: { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 } } });
  // No release yet, so no HPA in the cluster: the status says so.
  expect((await inject('GET', '/apps/shop/autoscale/status')).json()).toEqual({ autoscale: { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 }, status: null });

  const scale = await inject('POST', '/apps/shop/scale', { replicas: 3 });
  expect(scale.statusCode).toBe(409);
  expect(scale.json().error).toMatchObject({ code: 'AUTOSCALE_OWNS_REPLICAS', message: expect.stringMatching(/autoscales between 2 and 10 replicas.*slipway autoscale shop --min N --max M.*--off/) });
  expect((await t.services.apps.get('shop')).deploy.replicas).toBe(1);
  // A PATCH of the count is refused the same way; one that leaves it as it is goes through.
  const patched = await t.api.inject({ method: 'PATCH', url: '/apps/shop', headers: auth, payload: { deploy: { replicas: 3 } } });
  expect([patched.statusCode, patched.json().error?.code]).toEqual([409, 'AUTOSCALE_OWNS_REPLICAS']);
  expect((await t.api.inject({ method: 'PATCH', url: '/apps/shop', headers: auth, payload: { deploy: { replicas: 1, readinessDeadlineSeconds: 90 } } })).statusCode).toBe(200);

  const off = await inject('DELETE', '/apps/shop/autoscale');
  expect(off.json()).toEqual({ autoscale: null, release: null });
  expect((await t.services.apps.get('shop')).deploy).not.toHaveProperty('autoscale');
  expect((await inject('POST', '/apps/shop/scale', { replicas: 2 })).statusCode).toBe(200);
  expect((await inject('GET', '/apps/shop/autoscale/status')).json()).toEqual({ autoscale: null, status: null });
});

test.each([
  ['max below min', 'shop', { minReplicas: 4, maxReplicas: 2, cpuPercent: 70 }, 400, 'VALIDATION_FAILED', /maxReplicas 2 is below minReplicas 4/],
  ['no target', 'shop', { minReplicas: 1, maxReplicas: 2 }, 400, 'VALIDATION_FAILED', /needs a target/],
  ['min 0', 'shop', { minReplicas: 0, maxReplicas: 2, cpuPercent: 50 }, 400, 'VALIDATION_FAILED', /minReplicas/],
  ['an unknown field', 'shop', { minReplicas: 1, maxReplicas: 2, cpuPercent: 50, target: 'x' }, 400, 'VALIDATION_FAILED', /target|additional/],
  ['max 3 with a ReadWriteOnce volume', 'files', { minReplicas: 1, maxReplicas: 3, cpuPercent: 50 }, 422, 'VOLUME_SINGLE_NODE', /up to 3 replicas/],
] as const)('%s is refused and nothing stored changes', async (_name, app, autoscale, status, code, message) => {
  const before = await t.services.apps.get(app);
  const res = await inject('PUT', `/apps/${app}/autoscale`, { autoscale });
  expect(res.statusCode).toBe(status);
  expect(res.json().error).toMatchObject({ code, message: expect.stringMatching(message) });
  expect(await t.services.apps.get(app)).toEqual(before);
});
