import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookError } from '../errors.js';

// What every provider's parser shares: header lookup, a strict JSON body, secrets (commit ids: src/git/commit-id.ts).

export type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export const invalidPayload = (message: string) => new WebhookError('WEBHOOK_PAYLOAD_INVALID', message);

/** The body as a JSON object; anything else (bad JSON, null, an array) is WEBHOOK_PAYLOAD_INVALID. */
export function parseObject(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidPayload('body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidPayload('body is not a JSON object');
  return parsed as Record<string, unknown>;
}

/** Constant-time equality of two secrets; digests first, so the secret's length does not leak. */
export function sameSecret(given: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return secret !== '' && timingSafeEqual(digest(given), digest(secret));
}
