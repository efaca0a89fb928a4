import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

// The routes API on a real API instance, Redis and the test cluster's API server (which has no
// cert-manager). The app has no release, so each change is saved for its first one; what a
// route does in a cluster is test/e2e/ingress-routes.test.ts.

let t: TestApi;

beforeAll(async () => {
  t = await startTestApi({ SLIPWAY_INGRESS_CLASS: 'edge-class' });
  await t.createApp({ name: 'shop', repo: 'git://127.0.0.1:9419/shop.git', branch: 'main', deploy: { host: 'shop.example.com' } });
});
afterAll(() => t.close());

const inject = (method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH', url: string, payload?: object) => t.api.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

test('lists `host` as the primary route, adds paths and TLS, removes them, sets the class', async () => {
  expect((await inject('GET', '/apps/shop/routes')).json()).toEqual({
    routes: [{ host: 'shop.example.com', path: '/', pathType: 'Prefix', primary: true, url: 'http://shop.example.com/' }],
    ingressClassName: 'edge-class',
  });
  const added = await inject('POST', '/apps/shop/routes', { host: 'shop.example.com', path: '/api', pathType: 'Exact', tls: { secretName: 'shop-cert' } });
  expect(added.statusCode).toBe(201);
  expect(added.json()).toMatchObject({ release: null, routes: [{ url: 'https://shop.example.com/', tls: { secretName: 'shop-cert' } }, { path: '/api', pathType: 'Exact', primary: false }] });
  expect((await t.services.apps.get('shop')).deploy).toMatchObject({ host: 'shop.example.com', routes: [{ host: 'shop.example.com', path: '/api', pathType: 'Exact' }], tls: [{ host: 'shop.example.com', secretName: 'shop-cert' }] });

  // The route the app has already: only TLS may change with it.
  expect((await inject('POST', '/apps/shop/routes', { host: 'shop.example.com', path: '/api' })).json().error).toMatchObject({ code: 'APP_ROUTE_EXISTS' });
  const retls = await inject('POST', '/apps/shop/routes', { host: 'shop.example.com', tls: { secretName: 'other-cert' } });
  expect(retls.statusCode).toBe(201);
  expect((await t.services.apps.get('shop')).deploy.tls).toEqual([{ host: 'shop.example.com', secretName: 'other-cert' }]);

  const klass = await inject('PUT', '/apps/shop/ingress-class', { ingressClassName: 'nginx' });
  expect(klass.json()).toMatchObject({ ingressClassName: 'nginx' });
  expect((await inject('PUT', '/apps/shop/ingress-class', { ingressClassName: null })).json()).toMatchObject({ ingressClassName: 'edge-class' });

  // Removing `host` at `/` leaves the route; the host keeps its TLS while a route of it is left.
  const noPrimary = await inject('DELETE', '/apps/shop/routes?host=shop.example.com');
  expect(noPrimary.statusCode).toBe(200);
  expect(noPrimary.json().routes).toEqual([{ host: 'shop.example.com', path: '/api', pathType: 'Exact', primary: false, url: 'https://shop.example.com/api', tls: { secretName: 'other-cert' } }]);
  const none = await inject('DELETE', '/apps/shop/routes?host=shop.example.com&path=/api');
  expect(none.json().routes).toEqual([]);
  const deploy = (await t.services.apps.get('shop')).deploy;
  expect([deploy.host, deploy.routes, deploy.tls]).toEqual([undefined, undefined, undefined]);
});

test.each([
  ['a route the app does not have', 'DELETE', '/apps/shop/routes?host=nope.example.com&path=/x', undefined, 404, 'APP_ROUTE_NOT_FOUND', /does not route nope.example.com\/x/],
  ['a path that is not absolute', 'POST', '/apps/shop/routes', { host: 'a.example.com', path: 'api' }, 400, 'VALIDATION_FAILED', /path/],
  ['a host with a port', 'POST', '/apps/shop/routes', { host: 'a.example.com:443' }, 400, 'VALIDATION_FAILED', /host/],
  ['TLS with neither Secret nor issuer', 'POST', '/apps/shop/routes', { host: 'a.example.com', tls: {} }, 400, 'VALIDATION_FAILED', /secretName or a cert-manager issuer/],
  ['an issuer in a cluster without cert-manager', 'POST', '/apps/shop/routes', { host: 'a.example.com', tls: { issuer: { kind: 'ClusterIssuer', name: 'letsencrypt' } } }, 422, 'CERT_MANAGER_MISSING', /no cert-manager/],
  ['a class that is not a name', 'PUT', '/apps/shop/ingress-class', { ingressClassName: 'Not A Name' }, 400, 'VALIDATION_FAILED', /ingressClassName/],
] as const)('%s is refused and nothing stored changes', async (_name, method, url, body, status, code, message) => {
  const before = await t.services.apps.get('shop');
  const res = await inject(method, url, body);
  expect(res.statusCode).toBe(status);
  expect(res.json().error).toMatchObject({ code, message: expect.stringMatching(message) });
  expect(await t.services.apps.get('shop')).toEqual(before);
});

test('a host another app routes is refused, whichever way it is asked for; the app that has it keeps it', async () => {
  await t.createApp({ name: 'blog', repo: 'git://127.0.0.1:9419/blog.git', branch: 'main', deploy: { host: 'blog.example.com' } });
  await t.createApp({ name: 'wiki', repo: 'git://127.0.0.1:9419/wiki.git', branch: 'main' });
  const claimed = { code: 'HOST_ALREADY_CLAIMED', details: { host: 'blog.example.com', app: 'blog' }, message: expect.stringMatching(/routed by app "blog"/) };
  const wiki = await t.services.apps.get('wiki');
  for (const [method, url, payload] of [
    ['POST', '/apps/wiki/routes', { host: 'blog.example.com', path: '/wiki' }],
    ['PATCH', '/apps/wiki', { deploy: { host: 'blog.example.com' } }],
    ['PATCH', '/apps/wiki', { deploy: { routes: [{ host: 'wiki.example.com' }, { host: 'blog.example.com', path: '/w' }] } }],
  ] as const) {
    const res = await t.api.inject({ method, url, headers: auth, payload });
    expect([method, url, res.statusCode]).toEqual([method, url, 409]);
    expect(res.json().error).toMatchObject(claimed);
  }
  expect(await t.services.apps.get('wiki')).toEqual(wiki);
  const created = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'copycat', repo: 'git://127.0.0.1:9419/x.git', deploy: { host: 'blog.example.com' } } });
  expect(created.statusCode).toBe(409);
  expect(created.json().error).toMatchObject(claimed);
  expect(await t.services.apps.find('copycat')).toBeUndefined();

  // The owner changes its other settings and adds paths on its own host; once it lets the host go, another app may take it.
  expect((await t.api.inject({ method: 'PATCH', url: '/apps/blog', headers: auth, payload: { deploy: { replicas: 2 } } })).statusCode).toBe(200);
  expect((await inject('POST', '/apps/blog/routes', { host: 'blog.example.com', path: '/feed' })).statusCode).toBe(201);
  expect((await inject('DELETE', '/apps/blog/routes?host=blog.example.com&path=/feed')).statusCode).toBe(200);
  expect((await inject('DELETE', '/apps/blog/routes?host=blog.example.com')).statusCode).toBe(200);
  expect((await inject('POST', '/apps/wiki/routes', { host: 'blog.example.com' })).statusCode).toBe(201);
});
