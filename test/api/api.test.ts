import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { pingPayload, pushPayload, signedDelivery } from '../helpers/github.js';

const SHA = 'd'.repeat(40);
let t: TestApi;
let secret: string;

beforeAll(async () => {
  t = await startTestApi({ SLIPWAY_WEBHOOK_BODY_LIMIT: '65536' });
  ({ secret } = await t.createApp({ name: 'shop', repo: 'git://127.0.0.1:9419/shop.git', branch: 'main' }));
});
afterAll(() => t.close());

const queued = async () => {
  const counts = await t.services.buildQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  return Object.values(counts).reduce((a, b) => a + b, 0);
};

function deliver(params: { event: string; payload: unknown; secret?: string; deliveryId?: string; app?: string }) {
  const d = signedDelivery({ secret: params.secret ?? secret, event: params.event, payload: params.payload, deliveryId: params.deliveryId });
  return t.api.inject({ method: 'POST', url: `/hooks/github/${params.app ?? 'shop'}`, headers: d.headers, payload: d.body });
}

describe('health', () => {
  test('healthz answers without a token', async () => {
    const res = await t.api.inject('/healthz');
    expect(res.statusCode).toBe(200);
  });
  // /readyz (Redis and the workers' heartbeats, never Docker): test/api/readiness.test.ts.
  test('readyz answers without a token', async () => {
    const res = await t.api.inject('/readyz?exclude=build-worker&exclude=deploy-worker');
    expect(res.statusCode).toBe(200);
  });
});

describe('REST auth', () => {
  test.each([
    ['no header', {}, 'AUTH_REQUIRED'],
    ['wrong token', { authorization: 'Bearer not-the-token' }, 'AUTH_INVALID'],
    ['wrong scheme', { authorization: 'Basic dTpw' }, 'AUTH_INVALID'],
  ])('%s → 401', async (_name, headers, code) => {
    const res = await t.api.inject({ method: 'GET', url: '/apps', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe(code);
  });
});

describe('apps', () => {
  test('create shows the webhook secret once; reads never do', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'once', repo: 'https://github.com/acme/once.git' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.webhook.secret).toMatch(/^[0-9a-f]{48}$/);
    expect(body.webhook.url).toBe(`${t.config.publicUrl}/hooks/github/once`);
    expect(body.app).toMatchObject({ name: 'once', branch: 'main', contextDir: '.', port: 8080 });
    const get = await t.api.inject({ url: '/apps/once', headers: auth });
    expect(get.body).not.toContain(body.webhook.secret);
    const list = await t.api.inject({ url: '/apps', headers: auth });
    expect(list.json().apps.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['shop', 'once']));
  });

  test('creating an existing app is 409 and keeps the original', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'shop', repo: 'https://github.com/evil/other.git' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('APP_EXISTS');
    expect((await t.api.inject({ url: '/apps/shop', headers: auth })).json().repo).toBe('git://127.0.0.1:9419/shop.git');
  });

  test.each([
    ['uppercase name', { name: 'Shop', repo: 'https://github.com/a/b.git' }, 'VALIDATION_FAILED'],
    ['missing repo', { name: 'x' }, 'VALIDATION_FAILED'],
    ['unknown field', { name: 'x', repo: 'https://github.com/a/b.git', evil: true }, 'VALIDATION_FAILED'],
    ['file:// repo', { name: 'x', repo: 'file:///etc' }, 'REPO_URL_INVALID'],
    ['option-like repo', { name: 'x', repo: '--upload-pack=sh' }, 'REPO_URL_INVALID'],
    ['context dir escaping the repo', { name: 'x', repo: 'https://github.com/a/b.git', contextDir: '../..' }, 'VALIDATION_FAILED'],
    ['branch starting with a dash', { name: 'x', repo: 'https://github.com/a/b.git', branch: '-x' }, 'VALIDATION_FAILED'],
  ])('%s → 400 %s', async (_name, payload, code) => {
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect((await t.api.inject({ url: '/apps/x', headers: auth })).statusCode).toBe(404);
  });

  test('malformed JSON → 400 and nothing stored', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name": "bad",' });
    expect(res.statusCode).toBe(400);
    expect((await t.api.inject({ url: '/apps/bad', headers: auth })).statusCode).toBe(404);
  });

  test('unknown app and build → 404 with a code', async () => {
    expect((await t.api.inject({ url: '/apps/nope', headers: auth })).json().error.code).toBe('APP_NOT_FOUND');
    expect((await t.api.inject({ url: '/builds/nope-1', headers: auth })).json().error.code).toBe('BUILD_NOT_FOUND');
  });
});

describe('GitHub webhook', () => {
  test('a push to the tracked branch → 202 with a queued build', async () => {
    const before = await queued();
    const res = await deliver({ event: 'push', payload: pushPayload({ ref: 'refs/heads/main', sha: SHA, cloneUrl: 'git://x/y.git' }) });
    expect(res.statusCode).toBe(202);
    const { buildId } = res.json();
    expect(buildId).toMatch(/^shop-\d+$/);
    expect(await queued()).toBe(before + 1);
    const build = (await t.api.inject({ url: `/builds/${buildId}`, headers: auth })).json();
    expect(build).toMatchObject({ id: buildId, app: 'shop', sha: SHA, ref: 'refs/heads/main', state: 'queued', trigger: { kind: 'webhook', provider: 'github' } });
  });

  test('a redelivery (same delivery id) is not built twice', async () => {
    const payload = pushPayload({ ref: 'refs/heads/main', sha: 'e'.repeat(40), cloneUrl: 'git://x/y.git' });
    const first = await deliver({ event: 'push', payload, deliveryId: 'delivery-42' });
    const before = await queued();
    const again = await deliver({ event: 'push', payload, deliveryId: 'delivery-42' });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ ignored: true, reason: 'duplicate delivery', buildId: first.json().buildId });
    expect(await queued()).toBe(before);
  });

  test.each([
    ['ping', 'ping', () => pingPayload(), 'ping'],
    ['tag push', 'push', () => pushPayload({ ref: 'refs/tags/v1.2.3', sha: SHA, cloneUrl: 'x' }), 'tag push'],
    ['other branch', 'push', () => pushPayload({ ref: 'refs/heads/feature', sha: SHA, cloneUrl: 'x' }), 'branch not tracked'],
    ['branch deletion', 'push', () => pushPayload({ ref: 'refs/heads/main', sha: '0'.repeat(40), cloneUrl: 'x', deleted: true }), 'branch deleted'],
    ['another event type', 'issues', () => ({ action: 'opened' }), 'event "issues" is not a push'],
  ])('%s → 202 ignored with reason', async (_name, event, payload, reason) => {
    const before = await queued();
    const res = await deliver({ event, payload: payload() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ ignored: true, reason });
    expect(await queued()).toBe(before);
  });

  test('a bad signature → 401 and nothing queued', async () => {
    const before = await queued();
    const res = await deliver({ event: 'push', payload: pushPayload({ ref: 'refs/heads/main', sha: SHA, cloneUrl: 'x' }), secret: 'guessed' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await queued()).toBe(before);
  });

  test('a body signed, then re-serialised with other whitespace → 401', async () => {
    const payload = pushPayload({ ref: 'refs/heads/main', sha: SHA, cloneUrl: 'x' });
    const d = signedDelivery({ secret, event: 'push', payload });
    const res = await t.api.inject({ method: 'POST', url: '/hooks/github/shop', headers: d.headers, payload: JSON.stringify(payload, null, 1) });
    expect(res.statusCode).toBe(401);
  });

  test('unsigned → 401 WEBHOOK_SIGNATURE_MISSING', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/hooks/github/shop', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, payload: '{}' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('WEBHOOK_SIGNATURE_MISSING');
  });

  test('unknown app → 404', async () => {
    const res = await deliver({ event: 'ping', payload: pingPayload(), app: 'ghost' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('APP_NOT_FOUND');
  });

  test('form-encoded delivery → 415 (configure the webhook with application/json)', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/hooks/github/shop', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'payload=%7B%7D' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('oversize body → 413 and nothing queued', async () => {
    const before = await queued();
    const payload = { ...pushPayload({ ref: 'refs/heads/main', sha: SHA, cloneUrl: 'x' }), padding: 'x'.repeat(70_000) };
    const res = await deliver({ event: 'push', payload });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('BODY_TOO_LARGE');
    expect(await queued()).toBe(before);
  });
});

describe('manual builds', () => {
  beforeAll(() => t.createApp({ name: 'manual', repo: 'git://127.0.0.1:9419/manual.git', branch: 'main' }));

  test.each([
    ['SHA-1', 'a'.repeat(40)],
    ['SHA-256', 'b'.repeat(64)],
  ])('a %s commit id is built', async (_name, sha) => {
    const res = await t.api.inject({ method: 'POST', url: '/apps/manual/builds', headers: auth, payload: { sha } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ app: 'manual', sha, state: 'queued' });
  });

  test.each([['short', 'a'.repeat(39)], ['between the two lengths', 'a'.repeat(50)], ['uppercase', 'A'.repeat(40)]])('a %s commit id → 400', async (_name, sha) => {
    const res = await t.api.inject({ method: 'POST', url: '/apps/manual/builds', headers: auth, payload: { sha } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('body/sha') });
  });

  test('a cancelled build answers with why it was cancelled (every recorded field is in the answer)', async () => {
    const queued = (await t.api.inject({ method: 'POST', url: '/apps/manual/builds', headers: auth, payload: { sha: 'c'.repeat(40) } })).json();
    const res = await t.api.inject({ method: 'POST', url: `/builds/${queued.id}/cancel`, headers: auth });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ state: 'cancelled', cancellation: { reason: 'cancelled through the API', step: 'queued' } });
    expect((await t.api.inject({ url: `/builds/${queued.id}`, headers: auth })).json().cancellation).toEqual(res.json().cancellation);
  });
});

describe('API documentation', () => {
  test('/docs/json is an OpenAPI document generated from the route schemas', async () => {
    const res = await t.api.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/apps', '/apps/{app}/releases', '/apps/{app}/rollback', '/builds/{id}/cancel', '/hooks/{provider}/{app}', '/templates/provision']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['App', 'Build', 'Release', 'Error']));
    // Answers are written with these: a record field missing here would be missing from every answer.
    expect(Object.keys(doc.components.schemas.Build.properties)).toEqual(expect.arrayContaining(['strategy', 'image', 'cancellation', 'failure']));
    expect(Object.keys(doc.components.schemas.App.properties.deploy.properties)).toEqual(expect.arrayContaining(['hooks', 'strategy', 'volumes', 'probes', 'secret', 'podTemplate']));
    expect(doc.paths['/apps'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'repo']);
  });
  test('/docs serves the UI', async () => {
    const entry = await t.api.inject('/docs');
    const page = await t.api.inject(entry.statusCode === 302 ? new URL(entry.headers.location as string, 'http://x').pathname : '/docs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
  });
});
