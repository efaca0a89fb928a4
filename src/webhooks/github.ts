import { WebhookError } from '../errors.js';
import { COMMIT_ID } from '../git/commit-id.js';
import { header, type Headers, invalidPayload, parseObject } from './delivery.js';
import type { PushEvent } from './push-event.js';
import { verifyHmac } from './signature.js';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC of the raw body>`, event type in
 * `X-GitHub-Event`, delivery id in `X-GitHub-Delivery` (the same on redelivery).
 */
export function parseGithubDelivery(params: { headers: Headers; body: Buffer; secret: string }): PushEvent {
  const { headers, body, secret } = params;
  const signature = header(headers, 'x-hub-signature-256');
  if (!signature) throw new WebhookError('WEBHOOK_SIGNATURE_MISSING', 'X-Hub-Signature-256 header is missing');
  if (!verifyHmac({ secret, body, header: signature, algorithm: 'sha256', prefixed: true })) {
    throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'X-Hub-Signature-256 does not match the body');
  }
  const eventName = header(headers, 'x-github-event') ?? '';
  const deliveryId = header(headers, 'x-github-delivery') ?? '';
  if (!eventName || !deliveryId) throw invalidPayload('X-GitHub-Event and X-GitHub-Delivery headers are required');
  const payload = parseObject(body);
  const kind = eventName === 'push' ? 'push' : eventName === 'ping' ? 'ping' : 'other';
  if (kind !== 'push') return { provider: 'github', deliveryId, kind, eventName, ref: '', sha: '', deleted: false };
  if (typeof payload.ref !== 'string' || !payload.ref.startsWith('refs/') || typeof payload.after !== 'string' || !COMMIT_ID.test(payload.after)) {
    throw invalidPayload('push payload needs a "ref" and a hex "after" commit id');
  }
  return { provider: 'github', deliveryId, kind, eventName, ref: payload.ref, sha: payload.after, deleted: payload.deleted === true };
}
