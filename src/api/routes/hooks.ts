import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { closed, stringEnum } from '../../store/schemas/type-helpers.js';
import type { App } from '../../store/types.js';
import type { HookReply } from '../../store/views.js';
import { parseBitbucketDelivery } from '../../webhooks/bitbucket.js';
import type { Headers } from '../../webhooks/delivery.js';
import { parseGenericDelivery } from '../../webhooks/generic.js';
import { parseGiteaDelivery } from '../../webhooks/gitea.js';
import { parseGithubDelivery } from '../../webhooks/github.js';
import { parseGitlabDelivery } from '../../webhooks/gitlab.js';
import type { PushEvent } from '../../webhooks/push-event.js';
import { receivePush } from '../../webhooks/receive-push.js';
import type { ApiDeps } from '../deps.js';
import { hookReplyRef } from '../schemas.js';

type Parse = (params: { headers: Headers; body: Buffer; secret: string; app: App }) => PushEvent;

/** Each provider's parser: verifies the delivery, then normalises it to a PushEvent. */
const PROVIDERS: Record<string, Parse> = {
  github: ({ headers, body, secret }) => parseGithubDelivery({ headers, body, secret }),
  gitlab: ({ headers, body, secret }) => parseGitlabDelivery({ headers, body, secret }),
  gitea: ({ headers, body, secret }) => parseGiteaDelivery({ headers, body, secret }),
  bitbucket: ({ headers, body, secret, app }) => parseBitbucketDelivery({ headers, body, secret, branch: app.branch }),
};

const appName = Type.String({ maxLength: 63 });

/** The bytes this plugin's content-type parser kept; a delivery without a body has none. */
const rawBody = (body: unknown): Buffer => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

/**
 * Push webhooks. The body is kept as raw bytes (a parser scoped to this plugin) because
 * signatures are over exactly those bytes. Replies are fast: 202 with a build id, or 202
 * with the reason nothing was built; the build itself happens in the queue.
 */
export default async function hookRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: deps.config.webhookBodyLimit }, (_req, body, done) => done(null, body));
  const bodyLimit = deps.config.webhookBodyLimit;
  const response = { 202: hookReplyRef };
  // Accepted deliveries are counted where the verdict is made; refused ones here. The provider
  // label comes from the fixed list, never from the path: `/hooks/<anything>/x` is `unknown`.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 400) return;
    const given = (request.params as { provider?: string }).provider;
    const provider = given === undefined ? 'generic' : Object.hasOwn(PROVIDERS, given) ? given : 'unknown';
    deps.metrics.webhookDelivery(provider, reply.statusCode < 500 ? 'rejected' : 'error');
  });

  app.post(
    '/hooks/:provider/:app',
    { bodyLimit, schema: { response, params: Type.Object({ provider: stringEnum(Object.keys(PROVIDERS)), app: appName }, closed) } },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const secret = (await deps.apps.webhookSecret(target.name)) ?? '';
      const event = PROVIDERS[request.params.provider]!({ headers: request.headers, body: rawBody(request.body), secret, app: target });
      return reply.code(202).send(await accept({ deps, app: target, event, log: request.log }));
    },
  );

  // The secret is in the path: the request logger redacts it (see api/app.ts).
  app.post(
    '/hooks/generic/:app/:secret',
    { bodyLimit, schema: { response, params: Type.Object({ app: appName, secret: Type.String({ maxLength: 200 }) }, closed) } },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const secret = (await deps.apps.webhookSecret(target.name)) ?? '';
      const event = parseGenericDelivery({ headers: request.headers, body: rawBody(request.body), pathSecret: request.params.secret, secret });
      return reply.code(202).send(await accept({ deps, app: target, event, log: request.log }));
    },
  );
}

/** Hands the push to receivePush, logs and counts its verdict; the answer is the 202 body. */
async function accept(params: { deps: ApiDeps; app: App; event: PushEvent; log: FastifyBaseLogger }): Promise<HookReply> {
  const { deps, app, event, log } = params;
  const answer = await receivePush(deps, { app, event });
  const details = { app: app.name, provider: event.provider, delivery: event.deliveryId };
  if (answer.verdict === 'ignored') log.info({ ...details, reason: answer.body.reason }, 'webhook ignored');
  if (answer.verdict === 'queued') log.info({ ...details, build: answer.body.buildId, sha: event.sha }, 'build queued');
  deps.metrics.webhookDelivery(event.provider, answer.verdict);
  return answer.body;
}
