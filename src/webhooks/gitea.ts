import { WebhookError } from '../errors.js';
import { COMMIT_ID, isZeroSha } from '../git/commit-id.js';
import { header, type Headers, parseObject } from './delivery.js';
import type { PushEvent } from './push-event.js';
import { verifyHmac } from './signature.js';

/**
 * Gitea and Forgejo: `X-Gitea-Signature` is the bare hex HMAC-SHA256 of the raw body, event type in
 * `X-Gitea-Event`, delivery id in `X-Gitea-Delivery` (go-gitea services/webhook/deliver.go,
 * addDefaultHeaders). Forgejo sends the same values as `X-Forgejo-*` too. When `X-Forgejo-Signature`
 * is present it is the one checked, with the `X-Forgejo-*` event and delivery, so a bad Forgejo
 * signature is never rescued by the Gitea copy.
 *
 * Gitea reports a deleted branch only as a `delete` event (no commit id), which is "other"; a deleted
 * tag also comes as a `push` whose `after` is all zeros (services/repository/push.go, pushUpdates).
 */
export function parseGiteaDelivery(params: { headers: Headers; body: Buffer; secret: string }): PushEvent {
  const { headers, body, secret } = params;
  const family = header(headers, 'x-forgejo-signature') !== undefined ? 'x-forgejo' : 'x-gitea';
  // Gitea sends the header empty when the hook has no secret: that is an unsigned delivery.
  const signature = header(headers, `${family}-signature`);
  if (!signature) throw new WebhookError('WEBHOOK_SIGNATURE_MISSING', 'X-Gitea-Signature header is missing');
  if (!verifyHmac({ secret, body, header: signature, algorithm: 'sha256', prefixed: false })) {
    throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', `${family === 'x-forgejo' ? 'X-Forgejo' : 'X-Gitea'}-Signature does not match the body`);
  }
  const eventName = header(headers, `${family}-event`) ?? '';
  const deliveryId = header(headers, `${family}-delivery`) ?? '';
  if (!eventName || !deliveryId) {
    throw new WebhookError('WEBHOOK_PAYLOAD_INVALID', 'X-Gitea-Event and X-Gitea-Delivery headers are required');
  }
  const payload = parseObject(body);
  if (eventName !== 'push') return { provider: 'gitea', deliveryId, kind: 'other', eventName, ref: '', sha: '', deleted: false };

  const { ref, after } = payload;
  if (typeof ref !== 'string' || !ref.startsWith('refs/') || typeof after !== 'string' || !COMMIT_ID.test(after)) {
    throw new WebhookError('WEBHOOK_PAYLOAD_INVALID', 'push payload needs "ref" and a hex "after" commit id');
  }
  return { provider: 'gitea', deliveryId, kind: 'push', eventName, ref, sha: after, deleted: isZeroSha(after) };
}
