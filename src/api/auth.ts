import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SlipwayError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * An onRequest hook that requires `Authorization: Bearer <token>`. Both sides are hashed
 * first so the constant-time compare never leaks the token's length.
 */
export function requireBearer(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw new SlipwayError('AUTH_REQUIRED', 'Authorization: Bearer <token> is required');
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) throw new SlipwayError('AUTH_INVALID', 'the bearer token is not valid');
  };
}
