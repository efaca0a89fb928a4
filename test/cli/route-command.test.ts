import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';

// `slipway route` as a user runs it: a separate process against a real API (Redis, and the test
// cluster's API server for the cert-manager check). The app has no release yet, so each change
// is saved for its first one; routing real requests is test/e2e/ingress-routes.test.ts.

let t: TestApi;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'shop', repo: 'git://127.0.0.1:9419/shop.git', branch: 'main', deploy: { host: 'shop.example.com' } });
  env = await cliEnv(t.api);
});
afterAll(() => t.close());

test('route add, list, class and rm', async () => {
  const added = await slipway(['route', 'add', 'shop', 'shop.example.com/api', '--exact', '--tls-secret', 'shop-cert'], env);
  expect(added.stderr).toBe('');
  expect(added.stdout).toMatch(/^https:\/\/shop\.example\.com\/ +Prefix +shop-cert$/m);
  expect(added.stdout).toMatch(/^https:\/\/shop\.example\.com\/api +Exact +shop-cert$/m);
  expect(added.stdout).toContain("Ingress class: the cluster's default");
  expect(added.stdout).toContain('Route added: nothing to roll out');
  expect((await slipway(['route', 'class', 'shop', 'nginx'], env)).stdout).toContain('Ingress class: nginx');

  const twice = await slipway(['route', 'add', 'shop', 'shop.example.com/api'], env);
  expect(twice.code).toBe(1);
  expect(twice.stderr).toContain('(APP_ROUTE_EXISTS)');
  const both = await slipway(['route', 'add', 'shop', 'a.example.com', '--tls-secret', 's', '--cluster-issuer', 'le'], env);
  expect(both.stderr).toContain('one of --tls-secret, --issuer and --cluster-issuer');
  const issuer = await slipway(['route', 'add', 'shop', 'a.example.com', '--cluster-issuer', 'letsencrypt'], env);
  expect(issuer.stderr).toMatch(/no cert-manager .*\(CERT_MANAGER_MISSING\)/);

  expect((await slipway(['route', 'rm', 'shop', 'shop.example.com/api'], env)).stdout).not.toContain('/api');
  const list = await slipway(['route', 'list', 'shop'], env);
  expect(list.stdout).toMatch(/^https:\/\/shop\.example\.com\/ +Prefix +shop-cert$/m);
  expect((await slipway(['route', 'rm', 'shop', 'nope.example.com'], env)).stderr).toContain('(APP_ROUTE_NOT_FOUND)');
}, 120_000);
