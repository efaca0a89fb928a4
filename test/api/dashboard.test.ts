import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandler } from '../../src/api/error-handler.js';
import dashboardRoutes, { safeRelativePath } from '../../src/api/routes/dashboard.js';
import { packageRoot } from '../../src/paths.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

// The dashboard's static route on a real fastify instance over a real directory: a Vite-like
// build (index.html + hashed assets) inside it, and a secret file next to it that must never leak.
let dir: string;
let root: string;
let app: FastifyInstance;
const INDEX = '<!doctype html><title>Slipway</title><script type="module" src="/ui/assets/index-abc123.js"></script>';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-dashboard-'));
  root = path.join(dir, 'dist');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), INDEX);
  await writeFile(path.join(root, 'assets', 'index-abc123.js'), 'console.log("ui")');
  await writeFile(path.join(root, 'assets', 'index-def456.css'), 'body{}');
  await writeFile(path.join(root, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(root, '.env'), 'TOKEN=dotfile-secret');
  await writeFile(path.join(dir, 'secret.txt'), 'outside-secret');
  app = Fastify({ logger: false });
  installErrorHandler(app);
  await app.register(dashboardRoutes, { root });
});

afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

test.each([
  ['/ui/', 'text/html; charset=utf-8', 'no-cache', INDEX],
  ['/ui/index.html', 'text/html; charset=utf-8', 'no-cache', INDEX],
  ['/ui/assets/index-abc123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable', 'console.log("ui")'],
  ['/ui/assets/index-def456.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable', 'body{}'],
  ['/ui/logo.svg', 'image/svg+xml', 'no-cache', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
])('GET %s: %s, cache-control %s', async (url, type, cacheControl, body) => {
  const res = await app.inject({ url });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe(type);
  expect(res.headers['cache-control']).toBe(cacheControl);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.body).toBe(body);
});

test('HTML gets a content security policy that allows only this origin', async () => {
  const res = await app.inject({ url: '/ui/' });
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect((await app.inject({ url: '/ui/assets/index-abc123.js' })).headers['content-security-policy']).toBeUndefined();
});

test.each(['/ui/apps/shop', '/ui/apps/shop/releases', '/ui/builds/shop-3', '/ui/databases', '/ui/sign-in'])('client route %s falls back to index.html', async (url) => {
  const res = await app.inject({ url });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-cache');
  expect(res.body).toBe(INDEX);
});

test.each(['/ui/missing.js', '/ui/assets/index-000000.js', '/ui/apps/shop.png'])('a missing file with an extension is a 404, not the page: %s', async (url) => {
  const res = await app.inject({ url });
  expect(res.statusCode).toBe(404);
  expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
});

test.each([
  '/ui/../secret.txt',
  '/ui/%2e%2e/secret.txt',
  '/ui/assets/..%2f..%2fsecret.txt',
  '/ui/..%5csecret.txt',
  '/ui/assets/%2e%2e/%2e%2e/secret.txt',
  '/ui/.env',
  '/ui/assets/%2e%2e/.env',
  '/ui/index.html%00.js',
])('path traversal and dotfiles are refused with a 404: %s', async (url) => {
  const res = await app.inject({ url });
  expect(res.statusCode).toBe(404);
  expect(res.body).not.toContain('outside-secret');
  expect(res.body).not.toContain('dotfile-secret');
});

test.each([
  ['../secret.txt', undefined],
  ['assets/../../x', undefined],
  ['a\\..\\b', undefined],
  ['a\0b', undefined],
  ['.git/config', undefined],
  ['', ''],
  ['./assets//index.js', 'assets/index.js'],
  ['apps/shop', 'apps/shop'],
])('safeRelativePath(%j) is %j', (input, expected) => {
  expect(safeRelativePath(input)).toBe(expected);
});

test('a matching If-None-Match gets 304 with no body; HEAD gets the headers only', async () => {
  const first = await app.inject({ url: '/ui/' });
  const etag = first.headers.etag as string;
  expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
  const again = await app.inject({ url: '/ui/', headers: { 'if-none-match': etag } });
  expect(again.statusCode).toBe(304);
  expect(again.body).toBe('');
  const head = await app.inject({ method: 'HEAD', url: '/ui/assets/index-abc123.js' });
  expect(head.statusCode).toBe(200);
  expect(head.headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect(head.body).toBe('');
});

test('/ and /ui redirect to /ui/', async () => {
  for (const url of ['/', '/ui']) {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/ui/');
  }
});

test('without a build, the page says how to build it (503) instead of a bare 404', async () => {
  const unbuilt = Fastify({ logger: false });
  await unbuilt.register(dashboardRoutes, { root: path.join(dir, 'nowhere') });
  const res = await unbuilt.inject({ url: '/ui/apps/shop' });
  expect(res.statusCode).toBe(503);
  expect(res.json().error).toMatchObject({ code: 'DASHBOARD_NOT_BUILT' });
  expect(res.json().error.message).toContain('npm run build:web');
  await unbuilt.close();
});

describe('in the real API', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.close());

  test('serves the built dashboard (web/dist) without a token while the REST API still needs one', async () => {
    const page = await t.api.inject({ url: '/ui/apps/anything' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(await readFile(path.join(packageRoot(), 'web', 'dist', 'index.html'), 'utf8'));
    const script = /src="(\/ui\/assets\/index-[\w-]+\.js)"/.exec(page.body)![1]!;
    const asset = await t.api.inject({ url: script });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await t.api.inject({ url: '/' })).headers.location).toBe('/ui/');
    expect((await t.api.inject({ url: '/apps' })).statusCode).toBe(401);
    expect((await t.api.inject({ url: '/databases' })).statusCode).toBe(401);
    expect((await t.api.inject({ url: '/apps/x/status' })).statusCode).toBe(401);
  });
});
