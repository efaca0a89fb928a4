import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { cancelBuild } from '../../builds/build-requests.js';
import type { ApiDeps } from '../deps.js';
import { LOG_ENTRY_ID, type BuildLog } from '../../store/build-log.js';
import { FINAL_BUILD_STATES } from '../../store/types.js';
import { buildRef } from '../schemas.js';

const buildParams = Type.Object({ id: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const FOLLOW_BLOCK_MS = 1000;

export default async function buildRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/builds/:id', { schema: { params: buildParams, response: { 200: buildRef } } }, async (request) => deps.builds.get(request.params.id));

  /** Cancels a build: a queued one at once; a running one stops its docker build and ends `cancelled`. */
  app.post('/builds/:id/cancel', { schema: { params: buildParams, response: { 202: buildRef } } }, async (request, reply) =>
    reply.code(202).send(await cancelBuild(deps, { buildId: request.params.id, reason: 'cancelled through the API' })),
  );

  /**
   * The build log: plain text of what is stored so far, or, with `Accept: text/event-stream`,
   * a live stream (SSE) that replays, follows until the build ends, and resumes from
   * `Last-Event-ID` after a reconnect. Both read Redis a page at a time, as the client takes
   * them: a log is never held whole in memory.
   */
  app.get('/builds/:id/logs', { schema: { params: buildParams } }, async (request, reply) => {
    const build = await deps.builds.get(request.params.id);
    if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
      return reply.type('text/plain; charset=utf-8').send(Readable.from(plainText(deps.logs, build.id)));
    }
    await streamLog(deps, request, reply, build.id);
  });
}

async function* plainText(logs: BuildLog, buildId: string): AsyncGenerator<string> {
  for await (const page of logs.pages(buildId)) yield page.map((e) => `${e.line}\n`).join('');
}

/** Writes, and waits while the client's buffer is full; false when the client has gone. */
async function write(out: ServerResponse, text: string): Promise<boolean> {
  if (out.destroyed) return false;
  if (out.write(text)) return true;
  await Promise.race([once(out, 'drain'), once(out, 'close')]);
  return !out.destroyed;
}

async function streamLog(deps: ApiDeps, request: FastifyRequest, reply: FastifyReply, buildId: string): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let closed = false;
  request.raw.on('close', () => {
    closed = true;
  });
  const follower = deps.logs.follower();
  try {
    // A Last-Event-ID that is not a stream id replays from the start, as a first connect does.
    const resume = String(request.headers['last-event-id'] ?? '0');
    let after = LOG_ENTRY_ID.test(resume) ? resume : '0';
    const send = async (entries: { id: string; line: string }[]) => {
      if (entries.length === 0) return;
      if (!(await write(out, entries.map((e) => `id: ${e.id}\ndata: ${JSON.stringify(e.line)}\n\n`).join('')))) closed = true;
      else after = entries[entries.length - 1]!.id;
    };
    for await (const page of deps.logs.pages(buildId, after)) {
      await send(page);
      if (closed) break;
    }
    while (!closed) {
      const state = (await deps.builds.get(buildId)).state;
      const entries = await follower.follow({ buildId, after: after === '0' ? '0-0' : after, blockMs: FOLLOW_BLOCK_MS });
      await send(entries);
      if (entries.length === 0 && FINAL_BUILD_STATES.includes(state)) {
        out.write(`event: end\ndata: ${JSON.stringify({ state })}\n\n`);
        break;
      }
    }
  } finally {
    follower.close();
    out.end();
  }
}
