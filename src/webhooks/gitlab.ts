import { WebhookError } from '../errors.js';
import { COMMIT_ID, isZeroSha } from '../git/commit-id.js';
import { header, type Headers, parseObject, sameSecret } from './delivery.js';
import type { PushEvent } from './push-event.js';

/**
 * X-Gitlab-Event is "<EVENT> Hook" (docs.gitlab.com/user/project/integrations/webhooks, "Delivery
 * headers"). System hooks say "System Hook" even for pushes (go-playground/webhooks#100); they are
 * instance-wide, never an app's own hook, so they stay "other".
 */
const PUSH_EVENTS = new Set(['Push Hook', 'Tag Push Hook']);

/**
 * GitLab: `X-Gitlab-Token` carries the hook's secret token verbatim (no HMAC, so the body itself is
 * not authenticated). Event type in `X-Gitlab-Event`.
 */
export function parseGitlabDelivery(params: { headers: Headers; body: Buffer; secret: string }): PushEvent {
  const { headers, body, secret } = params;
  const token = header(headers, 'x-gitlab-token');
  if (!token) throw new WebhookError('WEBHOOK_SIGNATURE_MISSING', 'X-Gitlab-Token header is missing');
  if (!sameSecret(token, secret)) throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'X-Gitlab-Token does not match the secret');

  const eventName = header(headers, 'x-gitlab-event') ?? '';
  // `Idempotency-Key` (GitLab 17.4+) is documented as "consistent across webhook retries", so a resend
  // from "Recent events" is recognised; `X-Gitlab-Event-UUID` is older but a resend gets a new one.
  // `X-Gitlab-Webhook-UUID` is a fresh SecureRandom.uuid per request (WebHookService#build_headers):
  // no use for recognising a redelivery, so it is not a fallback.
  const deliveryId = header(headers, 'idempotency-key') || header(headers, 'x-gitlab-event-uuid') || '';
  if (!eventName || !deliveryId) {
    throw new WebhookError('WEBHOOK_PAYLOAD_INVALID', 'X-Gitlab-Event and Idempotency-Key or X-Gitlab-Event-UUID headers are required');
  }
  const payload = parseObject(body);
  if (!PUSH_EVENTS.has(eventName)) return { provider: 'gitlab', deliveryId, kind: 'other', eventName, ref: '', sha: '', deleted: false };

  // `checkout_sha` is the commit the ref now points at (for an annotated tag the commit, where `after`
  // is the tag object); null when the ref was deleted, and then `after` is all zeros.
  const { ref, after, checkout_sha: checkoutSha } = payload;
  const validCheckout = checkoutSha === null || checkoutSha === undefined || (typeof checkoutSha === 'string' && COMMIT_ID.test(checkoutSha));
  if (typeof ref !== 'string' || !ref.startsWith('refs/') || typeof after !== 'string' || !COMMIT_ID.test(after) || !validCheckout) {
    throw new WebhookError('WEBHOOK_PAYLOAD_INVALID', 'push payload needs "ref" and hex "after"/"checkout_sha" commit ids');
  }
  const deleted = isZeroSha(after);
  const sha = !deleted && typeof checkoutSha === 'string' ? checkoutSha : after;
  return { provider: 'gitlab', deliveryId, kind: 'push', eventName, ref, sha, deleted };
}
