import type { ChildProcess } from 'node:child_process';
import { FINAL_BUILD_STATES } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { killHard, spawnWorker } from '../helpers/processes.js';

// The SSRF guard end to end, with SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS off as in production: the API
// refuses internal repo hosts when an app is created, and the build worker refuses them again
// when it clones. Nothing here is resolved by a DNS server: every host is refused by its name or
// is an address literal (names and resolved addresses: test/git/repo-url.test.ts).
let strict: TestApi;
let local: TestApi;
let worker: ChildProcess | undefined;
const p = pipeline(() => local);

beforeAll(async () => {
  strict = await startTestApi({ SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS: 'false' });
  local = await startTestApi();
});
afterAll(async () => {
  if (worker) await killHard(worker);
  await p.cleanup();
  await strict.close();
  await local.close();
});

test.each([
  ['localhost', 'https://localhost/acme/shop.git'],
  ['a name under localhost', 'https://git.localhost/acme/shop.git'],
  ['IPv4-compatible IPv6 loopback', 'https://[::7f00:1]/acme/shop.git'],
  ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/acme/shop.git'],
  ['the IPv6 loopback', 'https://[::1]/acme/shop.git'],
  ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
  ['the AWS IPv6 metadata address', 'https://[fd00:ec2::254]/latest/meta-data'],
  ['a CGNAT address', 'https://100.100.100.200/x.git'],
  ['the Kubernetes API by its service name', 'https://kubernetes.default.svc/x.git'],
  ['a cluster service', 'https://slipway-redis.slipway.svc.cluster.local/x.git'],
  ["GCP's metadata server", 'https://metadata.google.internal/computeMetadata/v1/'],
  ['a single-label name', 'https://kubernetes/x.git'],
  ['ssh to an internal name', 'git@gitlab.internal:acme/shop.git'],
])('creating an app on %s → 422 REPO_URL_FORBIDDEN, nothing stored', async (_name, repo) => {
  const name = `ssrf-${Math.random().toString(36).slice(2, 8)}`;
  const res = await strict.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name, repo } });
  expect(res.statusCode).toBe(422);
  expect(res.json().error).toMatchObject({ code: 'REPO_URL_FORBIDDEN', message: expect.stringContaining('SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS') });
  expect((await strict.api.inject({ url: `/apps/${name}`, headers: auth })).statusCode).toBe(404);
  expect(await strict.services.redis.keys(`${strict.config.prefix}:app:${name}*`)).toEqual([]);
});

test('an app accepted while internal hosts were allowed fails to build once they are not: BUILD_CLONE_FAILED with the reason', async () => {
  // The app is on the local git daemon (127.0.0.1), accepted by an API that allows it ...
  const app = await p.newApp('dockerfile-server');
  // ... and built by a worker that does not.
  worker = spawnWorker({ kind: 'build', config: local.config, env: { SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS: 'false' } });
  const { body } = await p.push(app);
  const build = await p.until(body.buildId!, [...FINAL_BUILD_STATES], 120_000);
  expect(build).toMatchObject({ state: 'failed', failure: { step: 'cloning', code: 'BUILD_CLONE_FAILED', reason: expect.stringMatching(/127\.0\.0\.1 is loopback/) } });
  expect(await p.log(build.id)).toContain('SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS');
});
