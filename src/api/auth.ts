import type { FastifyRequest } from 'fastify';
import { SlipwayError } from '../errors.js';
import { sameSecret } from '../webhooks/delivery.js';

/** An onRequest hook that requires `Authorization: Bearer <token>`, compared in constant time. */
export function requireBearer(token: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw new SlipwayError('AUTH_REQUIRED', 'Authorization: Bearer <token> is required');
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !sameSecret(match[1]!.trim(), token)) throw new SlipwayError('AUTH_INVALID', 'the bearer token is not valid');
  };
}
