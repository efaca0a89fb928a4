import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { cancelBuild } from '../../builds/build-requests.js';
import type { ApiDeps } from '../deps.js';
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
   * `Last-Event-ID` after a reconnect.
   */
  app.get('/builds/:id/logs', { schema: { params: buildParams } }, async (request, reply) => {
    const build = await deps.builds.get(request.params.id);
    if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
      const entries = await deps.logs.read(build.id);
      return reply.type('text/plain; charset=utf-8').send(entries.map((e) => e.line).join('\n') + (entries.length ? '\n' : ''));
    }
    await streamLog(deps, request, reply, build.id);
  });
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
    let after = String(request.headers['last-event-id'] ?? '0');
    const send = (entries: { id: string; line: string }[]) => {
      for (const entry of entries) {
        out.write(`id: ${entry.id}\ndata: ${JSON.stringify(entry.line)}\n\n`);
        after = entry.id;
      }
    };
    send(await deps.logs.read(buildId, after));
    while (!closed) {
      const state = (await deps.builds.get(buildId)).state;
      const entries = await follower.follow({ buildId, after: after === '0' ? '0-0' : after, blockMs: FOLLOW_BLOCK_MS });
      send(entries);
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
