import { createHmac } from 'node:crypto';
import type { HmacAlgorithm } from '../../src/webhooks/signature.js';

/** A hex HMAC of a body, as a git host signs a delivery (what src/webhooks/signature.ts verifies). */
export function signHmac(params: { secret: string; body: Buffer | string; algorithm: HmacAlgorithm }): string {
  return createHmac(params.algorithm, params.secret).update(params.body).digest('hex');
}
