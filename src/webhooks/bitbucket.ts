import { WebhookError } from '../errors.js';
import { COMMIT_ID, ZERO_SHA } from '../git/commit-id.js';
import { header, type Headers, invalidPayload, parseObject } from './delivery.js';
import type { PushEvent } from './push-event.js';
import { verifyHmac } from './signature.js';

/** One side of a `push.changes[]` entry: `{ type: 'branch' | 'tag', name, target: { hash } }`. */
type RefState = { type?: unknown; name?: unknown; target?: { hash?: unknown } };
type Change = { new?: RefState | null; old?: RefState | null };

const invalid = invalidPayload;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isBranch = (state: RefState | null | undefined, name: string) => state?.type === 'branch' && state.name === name;

/**
 * Bitbucket Cloud: `X-Hub-Signature: sha256=<hex HMAC of the raw body>` once the hook has a secret
 * (bitbucket.org/blog/enhanced-webhook-security; without one the header is absent). Unlike GitHub's
 * header of the same name it is SHA-256, never SHA-1. Event key in `X-Event-Key`, delivery id in
 * `X-Request-UUID`. `X-Hook-UUID` is NOT a fallback: it names the webhook and is the same on every
 * delivery, so deduplicating on it would drop every push after the first.
 *
 * One push can move several refs (`push.changes[]`); the app builds one branch, so the change for
 * `branch` wins, else the first change.
 */
export function parseBitbucketDelivery(params: { headers: Headers; body: Buffer; secret: string; branch: string }): PushEvent {
  const { headers, body, secret, branch } = params;
  const signature = header(headers, 'x-hub-signature');
  if (!signature) throw new WebhookError('WEBHOOK_SIGNATURE_MISSING', 'X-Hub-Signature header is missing');
  if (!verifyHmac({ secret, body, header: signature, algorithm: 'sha256', prefixed: true })) {
    throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'X-Hub-Signature does not match the body');
  }
  const eventName = header(headers, 'x-event-key') ?? '';
  const deliveryId = header(headers, 'x-request-uuid') ?? '';
  if (!eventName || !deliveryId) throw invalid('X-Event-Key and X-Request-UUID headers are required');
  const payload = parseObject(body);
  // "diagnostics:ping" is Bitbucket Data Center's "Test connection" key; Bitbucket Cloud sends no ping.
  const kind = eventName === 'repo:push' ? 'push' : eventName === 'diagnostics:ping' ? 'ping' : 'other';
  if (kind !== 'push') return { provider: 'bitbucket', deliveryId, kind, eventName, ref: '', sha: '', deleted: false };

  const changes = isObject(payload.push) && Array.isArray(payload.push.changes) ? payload.push.changes.filter(isObject) as Change[] : [];
  const change = changes.find((c) => isBranch(c.new, branch) || isBranch(c.old, branch)) ?? changes[0];
  if (!change) throw invalid('repo:push payload has no push.changes');
  // `new` is null when the ref was deleted; the ref's name then comes from `old`.
  const deleted = change.new === null;
  const state = deleted ? change.old : change.new;
  if (!isObject(state) || (state.type !== 'branch' && state.type !== 'tag') || typeof state.name !== 'string' || state.name === '') {
    throw invalid('push change needs a branch or tag with a name');
  }
  const sha = deleted ? ZERO_SHA : state.target?.hash;
  if (typeof sha !== 'string' || !COMMIT_ID.test(sha)) throw invalid('push change needs a hex "target.hash" commit id');
  const ref = `refs/${state.type === 'branch' ? 'heads' : 'tags'}/${state.name}`;
  return { provider: 'bitbucket', deliveryId, kind, eventName, ref, sha, deleted };
}
