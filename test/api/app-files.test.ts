import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { saveReleases } from '../helpers/progress-release.js';

// issue 19: /apps/:app/files and /apps/:app/secret-files on a real API and Redis. The app has a
// current release, so every change that changes something is a new release; the rollout itself,
// and the files in a pod, are test/e2e/real-node-files.test.ts.

let t: TestApi;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const SECRET = 'the-private-key-material-7f3a9c';

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'shop', repo: 'git://127.0.0.1:9419/shop.git', branch: 'main' });
  await t.createApp({ name: 'idle', repo: 'git://127.0.0.1:9419/idle.git', branch: 'main' });
  await saveReleases({ releases: t.services.releases, app: await t.services.apps.get('shop'), records: [{ status: 'current' }] });
});
afterAll(() => t.close());

const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown) => t.api.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

/** Every value under the test's Redis prefix (app, releases, queues), as one string. */
async function everythingStored(): Promise<string> {
  const redis = t.services.redis;
  const out: string[] = [];
  for (const key of await redis.keys(`${t.config.prefix}*`)) {
    const type = await redis.type(key);
    if (type === 'string') out.push((await redis.get(key)) ?? '');
    else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
    else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return out.join('\n');
}

test('config files: set (one release for the whole request), listed with sizes and digests, unchanged twice, removed', async () => {
  const set = await call('PUT', '/apps/shop/files', { '/etc/nginx/nginx.conf': { content: b64('worker_processes 1;\n') }, '/srv/static': { files: { 'a.txt': b64('A'), 'logo.png': b64(Buffer.from([0xff, 0x00, 0x89])) } } });
  expect(set.statusCode).toBe(200);
  const body = set.json();
  expect(body.release).toMatchObject({ number: 2 });
  expect(body.mounts).toEqual([
    { path: '/etc/nginx/nginx.conf', dir: false, files: [{ name: 'nginx.conf', size: 20, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] },
    { path: '/srv/static', dir: true, files: [{ name: 'a.txt', size: 1, sha256: expect.any(String) }, { name: 'logo.png', size: 3, sha256: expect.any(String) }] },
  ]);
  const release = await t.services.releases.get('shop', 2);
  expect(release.trigger).toEqual({ kind: 'config' });
  expect(release.config.files?.version).toBe(body.version);
  const pod = JSON.stringify(release.manifests);
  expect(pod).toContain(`"name":"shop-files-${body.version}"`);
  expect(pod).toContain('"mountPath":"/etc/nginx/nginx.conf","readOnly":true,"subPath":"nginx.conf"');

  const again = await call('PUT', '/apps/shop/files', { '/etc/nginx/nginx.conf': { content: b64('worker_processes 1;\n') } });
  expect(again.json()).toMatchObject({ release: null, version: body.version });
  expect((await call('GET', '/apps/shop/files')).json()).toEqual({ version: body.version, mounts: body.mounts });

  const removed = await call('DELETE', '/apps/shop/files?path=%2Fsrv%2Fstatic');
  expect(removed.json()).toMatchObject({ release: { number: 3 }, mounts: [{ path: '/etc/nginx/nginx.conf' }] });
  const missing = await call('DELETE', '/apps/shop/files?path=%2Fsrv%2Fstatic');
  expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'FILE_NOT_FOUND']);
});

test('secret files: sizes only, and no content in the clear anywhere Slipway stores', async () => {
  const set = await call('PUT', '/apps/shop/secret-files', { '/etc/tls': { files: { 'tls.key': b64(SECRET), 'tls.crt': b64('cert') } } });
  expect(set.statusCode).toBe(200);
  expect(set.json().mounts).toEqual([{ path: '/etc/tls', dir: true, files: [{ name: 'tls.crt', size: 4 }, { name: 'tls.key', size: SECRET.length }] }]);
  expect(set.body).not.toContain(b64(SECRET));
  const release = await t.services.releases.get('shop', set.json().release.number);
  expect(JSON.stringify(release.manifests)).toContain(`"secretName":"shop-secret-files-${set.json().version}"`);
  const stored = await everythingStored();
  expect(stored).toContain(`shop-secret-files-${set.json().version}`);
  for (const form of [SECRET, b64(SECRET), Buffer.from(SECRET).toString('hex')]) expect(stored).not.toContain(form);
  expect((await call('GET', '/apps/shop/secret-files')).body).not.toContain(b64(SECRET));
});

test('an app with no release yet: saved for its first release', async () => {
  const set = await call('PUT', '/apps/idle/files', { '/etc/app.conf': { content: b64('x') } });
  expect(set.json()).toMatchObject({ release: null, mounts: [{ path: '/etc/app.conf' }] });
  expect((await t.services.apps.get('idle')).deploy.files?.mounts).toHaveLength(1);
});

describe('refusals leave nothing changed', () => {
  // Made per test (a function in the table): jest formats table rows, and megabytes of them take minutes.
  const big = () => b64(Buffer.alloc(1024 * 1024 + 1, 0x61));
  // Every row has a message slot (undefined: not checked): jest hands a test with more parameters than its row a done callback.
  test.each<[string, unknown, number, string, string | undefined]>([
    ['a path under /proc', { '/proc/self/environ': { content: b64('x') } }, 422, 'FILE_PATH_INVALID', undefined],
    ['`..`', { '/etc/../etc/passwd': { content: b64('x') } }, 422, 'FILE_PATH_INVALID', undefined],
    ['the root', { '/': { files: { a: b64('x') } } }, 422, 'FILE_PATH_INVALID', undefined],
    ['a relative path', { 'etc/app.conf': { content: b64('x') } }, 400, 'VALIDATION_FAILED', undefined],
    ['a key Kubernetes refuses', { '/etc/app': { files: { 'a b': b64('x') } } }, 422, 'FILE_PATH_INVALID', undefined],
    ['both content and files', { '/etc/app': { content: b64('x'), files: { a: b64('x') } } }, 400, 'VALIDATION_FAILED', undefined],
    ['not base64', { '/etc/app.conf': { content: 'not base64!' } }, 400, 'VALIDATION_FAILED', undefined],
    ['a path inside a mounted file', { '/etc/nginx/nginx.conf/x': { content: b64('x') } }, 409, 'FILE_PATH_CONFLICT', undefined],
    ['a byte over 1 MiB', () => ({ '/etc/big.bin': { content: big() } }), 413, 'FILES_TOO_LARGE', '1048597 bytes'], // with the app's 20-byte nginx.conf
    ['a body over the route limit', () => ({ '/etc/big.bin': { content: big() + big() } }), 413, 'BODY_TOO_LARGE', undefined],
  ])('%s', async (_name, body, status, code, message) => {
    const before = await t.services.apps.get('shop');
    const versions = await t.services.redis.scard(`${t.config.prefix}:app:shop:secret-versions`);
    const res = await call('PUT', '/apps/shop/files', typeof body === 'function' ? body() : body);
    expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
    if (message) expect(res.json().error.message).toContain(message);
    expect(await t.services.apps.get('shop')).toEqual(before);
    expect(await t.services.redis.scard(`${t.config.prefix}:app:shop:secret-versions`)).toBe(versions);
  });

  test('a config file where a secret directory is mounted → 409', async () => {
    const res = await call('PUT', '/apps/shop/files', { '/etc/tls/extra.conf': { content: b64('x') } });
    expect([res.statusCode, res.json().error.code]).toEqual([409, 'FILE_PATH_CONFLICT']);
  });
});
