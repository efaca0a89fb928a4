import type { FastifyInstance } from 'fastify';
import { queueBuild } from '../../build/build-queueing.js';
import { parseGithubDelivery } from '../../webhooks/github.js';
import { decidePush } from '../../webhooks/push-event.js';
import type { ApiDeps } from '../deps.js';

const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Push webhooks. The body is kept as raw bytes (a parser scoped to this plugin) because the
 * signature is over exactly those bytes. Replies are fast: 202 with a build id, or 202 with
 * the reason nothing was built; the build itself happens in the queue.
 */
export default async function hookRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: deps.config.webhookBodyLimit }, (_req, body, done) => done(null, body));

  app.post<{ Params: { app: string }; Body: Buffer }>(
    '/hooks/github/:app',
    {
      bodyLimit: deps.config.webhookBodyLimit,
      schema: { params: { type: 'object', properties: { app: { type: 'string', maxLength: 63 } } }, response: { 202: { $ref: 'HookReply#' } } },
    },
    async (request, reply) => {
      const app = await deps.apps.get(request.params.app);
      const secret = (await deps.apps.webhookSecret(app.name)) ?? '';
      const event = parseGithubDelivery({ headers: request.headers, body: request.body, secret });

      // Redeliveries carry the same delivery id: answer with what the first one got.
      const deliveryKey = deps.keys.delivery(event.provider, `${app.name}:${event.deliveryId}`);
      const first = await deps.redis.set(deliveryKey, '', 'EX', DELIVERY_TTL_SECONDS, 'NX');
      if (first !== 'OK') {
        const earlier = await deps.redis.get(deliveryKey);
        return reply.code(202).send({ ignored: true, reason: 'duplicate delivery', ...(earlier ? { buildId: earlier } : {}) });
      }

      const decision = decidePush(app, event);
      if (!decision.build) {
        request.log.info({ app: app.name, delivery: event.deliveryId, reason: decision.reason }, 'webhook ignored');
        return reply.code(202).send({ ignored: true, reason: decision.reason });
      }
      const build = await deps.builds.create({
        app,
        ref: event.ref,
        sha: event.sha,
        trigger: { kind: 'webhook', provider: event.provider, deliveryId: event.deliveryId },
      });
      await deps.redis.set(deliveryKey, build.id, 'EX', DELIVERY_TTL_SECONDS);
      await queueBuild(deps, { build, cancelRunning: deps.config.cancelRunningBuilds });
      request.log.info({ app: app.name, build: build.id, sha: event.sha }, 'build queued');
      return reply.code(202).send({ buildId: build.id });
    },
  );
}
