import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { packageRoot } from '../../paths.js';

export interface DashboardOptions {
  /** The built dashboard (`npm run build:web`); default `<package root>/web/dist`. */
  root?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// Vite puts content-hashed files under assets/: a changed file gets a new name, so a cached one
// never goes stale. index.html names them, so it is revalidated on every load instead.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
// The page talks only to this origin's API; nothing inline, nothing from elsewhere, no framing.
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const wildcard = Type.Object({ '*': Type.String({ maxLength: 1024 }) }, { additionalProperties: false });

/**
 * The web dashboard's static files at /ui/ (and `/` → /ui/). Public on purpose: the files hold
 * no data; every bit of data comes from the bearer-token API. A hand-written route rather than
 * @fastify/static, which require()s an ESM-only dependency that breaks on the Node 18 image.
 */
export default async function dashboardRoutes(instance: FastifyInstance, options: DashboardOptions): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const root = path.resolve(options.root ?? path.join(packageRoot(), 'web', 'dist'));

  // Pages, not API: kept out of the OpenAPI document.
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui/*', { schema: { params: wildcard, hide: true } }, async (request, reply) => {
    const relative = safeRelativePath(request.params['*']);
    if (relative === undefined) return reply.callNotFound();
    const file = relative === '' ? undefined : await regularFile(path.join(root, relative));
    if (file) return sendFile({ request, reply, file, immutable: relative.startsWith('assets/') });
    // A missing file with an extension is a missing file (a stale asset, a typo): 404, not the page.
    // Anything else is a client-side route (/ui/apps/shop) that index.html renders.
    if (path.extname(relative) !== '') return reply.callNotFound();
    const index = await regularFile(path.join(root, 'index.html'));
    if (!index) {
      return reply.code(503).send({ error: { code: 'DASHBOARD_NOT_BUILT', message: `the dashboard is not built (run npm run build:web; looked in ${root})` } });
    }
    return sendFile({ request, reply, file: index, immutable: false });
  });
}

/**
 * The wildcard as a path inside the root, or undefined when it tries to leave it. Fastify has
 * already percent-decoded it, so `%2e%2e%2f` arrives here as `../` and is refused like `../`.
 */
export function safeRelativePath(wildcardParam: string): string | undefined {
  if (wildcardParam.includes('\0')) return undefined;
  const segments = wildcardParam.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  // Dotfiles (.env, .git) are never part of a Vite build: refuse rather than serve by accident.
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  return segments.join('/');
}

interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

async function regularFile(file: string): Promise<FoundFile | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? { path: file, size: info.size, mtimeMs: info.mtimeMs } : undefined;
}

async function sendFile(params: { request: FastifyRequest; reply: FastifyReply; file: FoundFile; immutable: boolean }): Promise<FastifyReply> {
  const { request, reply, file, immutable } = params;
  const type = TYPES[path.extname(file.path).toLowerCase()] ?? 'application/octet-stream';
  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  reply
    .header('content-type', type)
    .header('cache-control', immutable ? IMMUTABLE : REVALIDATE)
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff');
  if (type.startsWith('text/html')) reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.send(await readFile(file.path));
}
