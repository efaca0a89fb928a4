import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../store/types.js';
import { parseBitbucketDelivery } from '../../webhooks/bitbucket.js';
import type { Headers } from '../../webhooks/delivery.js';
import { parseGenericDelivery } from '../../webhooks/generic.js';
import { parseGiteaDelivery } from '../../webhooks/gitea.js';
import { parseGithubDelivery } from '../../webhooks/github.js';
import { parseGitlabDelivery } from '../../webhooks/gitlab.js';
import type { PushEvent } from '../../webhooks/push-event.js';
import { receivePush } from '../../webhooks/receive-push.js';
import type { ApiDeps } from '../deps.js';

type Parse = (params: { headers: Headers; body: Buffer; secret: string; app: App }) => PushEvent;

/** Each provider's parser: verifies the delivery, then normalises it to a PushEvent. */
const PROVIDERS: Record<string, Parse> = {
  github: ({ headers, body, secret }) => parseGithubDelivery({ headers, body, secret }),
  gitlab: ({ headers, body, secret }) => parseGitlabDelivery({ headers, body, secret }),
  gitea: ({ headers, body, secret }) => parseGiteaDelivery({ headers, body, secret }),
  bitbucket: ({ headers, body, secret, app }) => parseBitbucketDelivery({ headers, body, secret, branch: app.branch }),
};

/**
 * Push webhooks. The body is kept as raw bytes (a parser scoped to this plugin) because
 * signatures are over exactly those bytes. Replies are fast: 202 with a build id, or 202
 * with the reason nothing was built; the build itself happens in the queue.
 */
export default async function hookRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: deps.config.webhookBodyLimit }, (_req, body, done) => done(null, body));
  const options = { bodyLimit: deps.config.webhookBodyLimit, schema: { response: { 202: { $ref: 'HookReply#' } } } };
  // Accepted deliveries are counted where the verdict is made; refused ones here.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 400) return;
    const provider = (request.params as { provider?: string }).provider ?? 'generic';
    deps.metrics.webhookDelivery(provider, reply.statusCode < 500 ? 'rejected' : 'error');
  });

  app.post<{ Params: { provider: string; app: string }; Body: Buffer }>(
    '/hooks/:provider/:app',
    { ...options, schema: { ...options.schema, params: { type: 'object', properties: { provider: { type: 'string', enum: Object.keys(PROVIDERS) }, app: { type: 'string', maxLength: 63 } } } } },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const secret = (await deps.apps.webhookSecret(target.name)) ?? '';
      const event = PROVIDERS[request.params.provider]!({ headers: request.headers, body: request.body, secret, app: target });
      return accept({ deps, app: target, event, reply, log: request.log });
    },
  );

  // The secret is in the path: the request logger redacts it (see api/app.ts).
  app.post<{ Params: { app: string; secret: string }; Body: Buffer }>(
    '/hooks/generic/:app/:secret',
    { ...options, schema: { ...options.schema, params: { type: 'object', properties: { app: { type: 'string', maxLength: 63 }, secret: { type: 'string', maxLength: 200 } } } } },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const secret = (await deps.apps.webhookSecret(target.name)) ?? '';
      const event = parseGenericDelivery({ headers: request.headers, body: request.body, pathSecret: request.params.secret, secret });
      return accept({ deps, app: target, event, reply, log: request.log });
    },
  );
}

/** Hands the push to receivePush, logs and counts its verdict, and answers 202. */
async function accept(params: { deps: ApiDeps; app: App; event: PushEvent; reply: FastifyReply; log: FastifyInstance['log'] }) {
  const { deps, app, event, reply, log } = params;
  const answer = await receivePush(deps, { app, event });
  const details = { app: app.name, provider: event.provider, delivery: event.deliveryId };
  if (answer.verdict === 'ignored') log.info({ ...details, reason: answer.body.reason }, 'webhook ignored');
  if (answer.verdict === 'queued') log.info({ ...details, build: answer.body.buildId, sha: event.sha }, 'build queued');
  deps.metrics.webhookDelivery(event.provider, answer.verdict);
  return reply.code(202).send(answer.body);
}
