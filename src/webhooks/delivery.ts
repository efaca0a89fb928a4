import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookError } from '../errors.js';

// What every provider's parser shares: header lookup, a strict JSON body, commit ids, secrets.

export type Headers = Record<string, string | string[] | undefined>;

/** A commit id as git prints it, SHA-1 (40) or SHA-256 (64): nothing else is ever handed to git. */
export const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** The all-zeros id providers send for a deleted ref. */
export const ZERO_SHA = /^0+$/;

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
