import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

let t: TestApi;

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'shop', repo: 'git://127.0.0.1:9419/shop.git', branch: 'main', buildArgs: { A: '1', B: '2' } });
});
afterAll(() => t.close());

const patch = (payload: unknown) => t.api.inject({ method: 'PATCH', url: '/apps/shop/build-config', headers: auth, payload: payload as object });

describe('PATCH /apps/:app/build-config', () => {
  test('pins a builder, moves the context, merges build args and sets a test step', async () => {
    const res = await patch({ builder: 'nodejs', contextDir: './web/', buildArgs: { B: null, C: '3' }, postCommit: { script: 'npm test' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ builder: 'nodejs', contextDir: 'web', buildArgs: { A: '1', C: '3' }, postCommit: { script: 'npm test' } });
    expect(res.json().buildArgs).not.toHaveProperty('B');
    expect((await t.services.apps.get('shop')).builder).toBe('nodejs');
  });

  test('null goes back to the default', async () => {
    const res = await patch({ builder: null, postCommit: null, dockerfile: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).not.toHaveProperty('builder');
    expect(res.json()).not.toHaveProperty('postCommit');
  });

  test.each([
    ['an unknown builder', { builder: 'cobol' }, 'VALIDATION_FAILED', /builder "cobol" does not exist; builders: .*nodejs/],
    ['a Dockerfile outside the repo', { dockerfile: '../../etc/passwd' }, 'VALIDATION_FAILED', /dockerfile must be a path inside the repository/],
    ['an unknown field', { port: 9000 }, 'VALIDATION_FAILED', /must NOT have additional properties/],
    ['nothing to change', {}, 'VALIDATION_FAILED', /fewer than 1 properties/],
  ])('%s is refused and nothing stored changes', async (_name, body, code, message) => {
    const before = await t.services.apps.get('shop');
    const res = await patch(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await t.services.apps.get('shop')).toEqual(before);
  });

  test('an unknown app is 404', async () => {
    const res = await t.api.inject({ method: 'PATCH', url: '/apps/nope/build-config', headers: auth, payload: { builder: 'nodejs' } });
    expect(res.statusCode).toBe(404);
  });

  test('an unknown builder on create is refused too', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'cobol-app', repo: 'git://127.0.0.1:9419/x.git', builder: 'cobol' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(await t.services.apps.find('cobol-app')).toBeUndefined();
  });
});

describe('build secrets', () => {
  const url = '/apps/shop/build-secrets';

  test('are write-only: listed by name and fingerprint, never by value', async () => {
    const put = await t.api.inject({ method: 'PUT', url, headers: auth, payload: { secrets: { NPM_TOKEN: 'npm_s3cr3t_value', PIP_INDEX_PASSWORD: 'hunter2hunter2' } } });
    expect(put.statusCode).toBe(200);
    const list = await t.api.inject({ url, headers: auth });
    for (const res of [put, list, await t.api.inject({ url: '/apps/shop', headers: auth })]) {
      expect(res.body).not.toContain('npm_s3cr3t_value');
      expect(res.body).not.toContain('hunter2hunter2');
    }
    expect(list.json().secrets.map((s: { name: string }) => s.name)).toEqual(['NPM_TOKEN', 'PIP_INDEX_PASSWORD']);
    expect(await t.services.buildSecrets.values('shop')).toEqual({ NPM_TOKEN: 'npm_s3cr3t_value', PIP_INDEX_PASSWORD: 'hunter2hunter2' });
  });

  test('a changed value changes the fingerprint', async () => {
    const before = (await t.api.inject({ url, headers: auth })).json().secrets[0].sha256;
    const after = (await t.api.inject({ method: 'PUT', url, headers: auth, payload: { secrets: { NPM_TOKEN: 'rotated' } } })).json().secrets[0].sha256;
    expect(after).not.toBe(before);
  });

  test('unset removes one; an unknown one is 404 BUILD_SECRET_NOT_FOUND', async () => {
    expect((await t.api.inject({ method: 'DELETE', url: `${url}/PIP_INDEX_PASSWORD`, headers: auth })).json().secrets).toHaveLength(1);
    const res = await t.api.inject({ method: 'DELETE', url: `${url}/PIP_INDEX_PASSWORD`, headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('BUILD_SECRET_NOT_FOUND');
  });

  test.each([
    ['a name that is not an env var name', { secrets: { 'NOT-A-NAME': 'x' } }],
    ['a value that is not a string', { secrets: { TOKEN: ['a', 'b'] } }],
    ['no secrets', { secrets: {} }],
  ])('%s is refused and the stored secrets stay', async (_name, payload) => {
    const before = await t.services.buildSecrets.values('shop');
    const res = await t.api.inject({ method: 'PUT', url, headers: auth, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(await t.services.buildSecrets.values('shop')).toEqual(before);
  });
});
