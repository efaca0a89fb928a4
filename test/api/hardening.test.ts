import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth, TEST_TOKEN } from '../helpers/config.js';
import { signedDelivery, pushPayload } from '../helpers/github.js';

// Apps point at the local git daemon: no test traffic leaves this machine.
const GIT = 'git://127.0.0.1:9419';

// API hardening (issue 14): slow clients get 408, floods get 429, every refusal keeps the
// {error: {code, message}} shape, and nothing a caller names becomes a metric label.

/** What a raw HTTP/1.1 exchange on a real socket came to, and how long the server took to answer. */
interface RawAnswer {
  status: number;
  body: string;
  ms: number;
}

/**
 * Connects to the listening API, writes `request` (and nothing more) and waits for the server to
 * answer and close the socket. The wait is on the socket's own events; `limitMs` only bounds a hang.
 */
function rawExchange(params: { port: number; request: string; limitMs: number }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port: params.port });
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${params.limitMs} ms: the slow request was never cut off`));
    }, params.limitMs);
    socket.on('connect', () => socket.write(params.request));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // the server may reset after answering
    socket.on('close', () => {
      clearTimeout(guard);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body, ms: Date.now() - started });
    });
  });
}

describe('slow clients', () => {
  const REQUEST_TIMEOUT_MS = 1500;
  const HEADERS_TIMEOUT_MS = 800;
  let t: TestApi;
  let port: number;

  beforeAll(async () => {
    t = await startTestApi({ SLIPWAY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), SLIPWAY_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) });
    await t.api.listen({ host: '127.0.0.1', port: 0 });
    port = (t.api.server.address() as net.AddressInfo).port;
  });
  afterAll(() => t.close());

  test('a body that stops after 1 byte of a declared 1,000 gets 408 REQUEST_TIMEOUT, and nothing is stored', async () => {
    const request =
      'POST /apps HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `Authorization: Bearer ${TEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`;
    const answer = await rawExchange({ port, request, limitMs: 20_000 });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: expect.any(String) } });
    // Cut off by the request timeout (checked each second by the server), not earlier, not minutes later.
    expect(answer.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(answer.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 5000);
    expect(await t.services.apps.list()).toEqual([]);
  }, 30_000);

  test('headers that never finish get 408 after the headers timeout', async () => {
    const answer = await rawExchange({ port, request: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', limitMs: 20_000 });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error.code).toBe('REQUEST_TIMEOUT');
    expect(answer.ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(answer.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 5000);
  }, 30_000);

  test('bytes that are not HTTP get 400 in the error shape', async () => {
    const answer = await rawExchange({ port, request: 'NOT HTTP AT ALL\r\n\r\n', limitMs: 20_000 });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('REQUEST_INVALID');
  }, 30_000);

  test('a whole request on the same server is answered as usual', async () => {
    const answer = await rawExchange({ port, request: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', limitMs: 20_000 });
    expect(answer.status).toBe(200);
  }, 30_000);
});

describe('every refusal in the {error: {code, message}} shape', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({ SLIPWAY_WEBHOOK_BODY_LIMIT: '65536' });
    await t.createApp({ name: 'shop', repo: `${GIT}/shop.git` });
  });
  afterAll(() => t.close());

  const json = { ...auth, 'content-type': 'application/json' };
  test.each<[string, number, string, { method: 'POST' | 'GET' | 'PATCH'; url: string; headers?: Record<string, string>; payload?: string }]>([
    ['malformed JSON', 400, 'BODY_INVALID', { method: 'POST', url: '/apps', headers: json, payload: '{"name": "x", ' }],
    ['JSON that is not JSON at all', 400, 'BODY_INVALID', { method: 'POST', url: '/apps', headers: json, payload: 'not json' }],
    ['an empty body with a JSON content type', 400, 'BODY_INVALID', { method: 'POST', url: '/apps', headers: json, payload: '' }],
    ['a __proto__ key', 400, 'BODY_INVALID', { method: 'POST', url: '/apps', headers: json, payload: '{"__proto__": {"x": 1}, "name": "x", "repo": "https://github.com/a/b.git"}' }],
    ['an unsupported media type', 415, 'UNSUPPORTED_MEDIA_TYPE', { method: 'POST', url: '/apps', headers: { ...auth, 'content-type': 'application/xml' }, payload: '<app/>' }],
    ['a body over the limit', 413, 'BODY_TOO_LARGE', { method: 'POST', url: '/apps', headers: json, payload: JSON.stringify({ name: 'big', repo: 'https://github.com/a/b.git', buildArgs: { X: 'y'.repeat(2 * 1024 * 1024) } }) }],
    ['an unknown route', 404, 'ROUTE_NOT_FOUND', { method: 'GET', url: '/nope/at/all', headers: auth }],
    ['an unknown route, unauthenticated', 404, 'ROUTE_NOT_FOUND', { method: 'GET', url: '/admin' }],
    ['a wrong method', 404, 'ROUTE_NOT_FOUND', { method: 'PATCH', url: '/healthz' }],
    ['malformed JSON to PATCH /apps/:app', 400, 'BODY_INVALID', { method: 'PATCH', url: '/apps/shop', headers: json, payload: '{"deploy":' }],
    ['a webhook over its limit', 413, 'BODY_TOO_LARGE', { method: 'POST', url: '/hooks/github/shop', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(70_000) }) }],
    ['a webhook in another media type', 415, 'UNSUPPORTED_MEDIA_TYPE', { method: 'POST', url: '/hooks/github/shop', headers: { 'content-type': 'text/plain' }, payload: 'hello' }],
  ])('%s → %i %s, nothing stored', async (_name, status, code, request) => {
    const before = JSON.stringify(await t.services.apps.list());
    const res = await t.api.inject(request);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(res.body).not.toContain('FST_');
    expect(JSON.stringify(await t.services.apps.list())).toBe(before);
  });
});

describe('rate limits', () => {
  let t: TestApi;
  let secret: string;
  beforeAll(async () => {
    t = await startTestApi({ SLIPWAY_RATE_LIMIT_API: '6', SLIPWAY_RATE_LIMIT_WEBHOOKS: '3' });
    ({ secret } = await t.createApp({ name: 'shop', repo: `${GIT}/shop.git` }));
    await t.createApp({ name: 'blog', repo: `${GIT}/blog.git` });
  });
  afterAll(() => t.close());

  test('the API: past the per-token limit, 429 RATE_LIMITED with Retry-After; a wrong token is not counted against it', async () => {
    // Two creates in beforeAll spent two of the token's six requests this minute.
    for (let i = 0; i < 10; i++) expect((await t.api.inject({ url: '/apps', headers: { authorization: 'Bearer not-the-token' } })).statusCode).toBe(401);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await t.api.inject({ url: '/apps', headers: auth }));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 429]);
    const limited = answers[4]!;
    expect(limited.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('a minute'), details: expect.objectContaining({ limit: 6 }) } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Health and metrics are not the API's budget.
    expect((await t.api.inject('/healthz')).statusCode).toBe(200);
  });

  test('webhooks: per app and client address', async () => {
    const deliver = (app: string, remoteAddress: string) => {
      const d = signedDelivery({ secret, event: 'push', payload: pushPayload({ ref: 'refs/heads/main', sha: 'e'.repeat(40), cloneUrl: `${GIT}/${app}.git` }), deliveryId: randomUUID() });
      return t.api.inject({ method: 'POST', url: `/hooks/github/${app}`, headers: d.headers, payload: d.body, remoteAddress });
    };
    const fromOne = [];
    for (let i = 0; i < 4; i++) fromOne.push((await deliver('shop', '127.0.0.11')).statusCode);
    expect(fromOne.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(fromOne[3]).toBe(429);
    const limited = await deliver('shop', '127.0.0.11');
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address for the same app, and another app from the same address, have budgets of their own.
    expect((await deliver('shop', '127.0.0.12')).statusCode).not.toBe(429);
    expect((await deliver('blog', '127.0.0.11')).statusCode).not.toBe(429);
  });
});

describe('metric labels stay bounded', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.close());

  const series = async () => (await t.api.inject('/metrics')).body.split('\n').filter((l) => l.startsWith('slipway_webhook_deliveries_total{'));

  test('a flood of /hooks/<random>/x adds no series per name: they count as provider="unknown"', async () => {
    const before = await series();
    const names = Array.from({ length: 60 }, () => `p${randomUUID().slice(0, 12)}`);
    for (const name of names) {
      const res = await t.api.inject({ method: 'POST', url: `/hooks/${name}/x`, headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    for (const name of names.slice(0, 10)) await t.api.inject({ method: 'POST', url: `/hooks/generic/${name}/${name}`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    const after = await series();
    expect(after.filter((l) => names.some((n) => l.includes(n)))).toEqual([]);
    expect(after.length - before.length).toBeLessThanOrEqual(2);
    expect(after).toContain('slipway_webhook_deliveries_total{provider="unknown",verdict="rejected"} 60');
    expect(after).toContain('slipway_webhook_deliveries_total{provider="generic",verdict="rejected"} 10');
  });

  test('Metrics itself maps an unknown provider to "unknown"', async () => {
    t.metrics.webhookDelivery('<script>', 'rejected');
    expect((await series()).some((l) => l.includes('<script>'))).toBe(false);
  });
});
