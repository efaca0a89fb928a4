import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SlipwayError } from '../errors.js';
import type { ApiDeps } from './deps.js';

const MINUTE_MS = 60_000;

/** Whose requests count together: a webhook's app and the caller's address, or an API token. */
export type RateLimitKey = (request: FastifyRequest) => string;

/** Webhooks: per app and client address, so one noisy sender cannot starve another app's pushes. */
export const webhookKey: RateLimitKey = (request) => `${(request.params as { app?: string }).app ?? '-'}|${request.ip}`;

/**
 * The REST API: per token (its hash: the token itself is never a Redis key). Counted after the
 * bearer check, so only a caller holding a valid token spends that token's budget.
 */
export const tokenKey: RateLimitKey = (request) => createHash('sha256').update(request.headers.authorization ?? '').digest('hex').slice(0, 32);

/**
 * Limits every route registered after it in `scope` (an encapsulated plugin) to `perMinute`
 * requests a minute per key; 0 leaves the scope unlimited. Counters live in Redis under the
 * install's prefix, so API replicas share one budget. Over it: 429 RATE_LIMITED in the usual
 * error shape, with Retry-After (seconds) and the X-RateLimit-* headers.
 */
export async function limitRequests(scope: FastifyInstance, params: { deps: ApiDeps; name: 'webhooks' | 'api'; perMinute: number; key: RateLimitKey }): Promise<void> {
  const { deps, name, perMinute } = params;
  if (perMinute === 0) return;
  await scope.register(rateLimit, {
    max: perMinute,
    timeWindow: MINUTE_MS,
    redis: deps.redis,
    nameSpace: `${deps.config.prefix}:ratelimit:${name}:`,
    keyGenerator: params.key,
    errorResponseBuilder: (_request, context) =>
      new SlipwayError('RATE_LIMITED', `too many requests: at most ${context.max} a minute for ${name === 'api' ? 'this token' : 'this app from this address'}; retry in ${context.after}`, {
        limit: context.max,
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
}
